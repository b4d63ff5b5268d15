"""The guide's flows: declarations like the operations (spec.Operation), whose `perform` makes the flow's
own calls through the same Session; the same pipeline runs them and prints their outputs."""
