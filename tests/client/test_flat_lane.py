"""The reader's fast lane (client/flat.py): runs of flat items printed in bulk print the very bytes
the handlers' dicts printed row by row give, whatever the items hold and wherever the pieces of
the answer are cut; what the lane cannot print, and every error, is the handlers' as before."""

from __future__ import annotations

import io

import pytest

from ec2ops.client import document
from ec2ops.errors import EndpointError, PipeClosed
from ec2ops.operations.ebs import VOLUME_COLUMNS
from ec2ops.output import Delimiters, JsonPrinter, Layout, PlainPrinter, Sink
from ec2ops.rows import table_row, tag_column
from ec2ops.values import ExtraColumn

PLAIN = "<item><volumeId>vol-{n}</volumeId><size>8</size><snapshotId/><availabilityZone>us-east-1a</availabilityZone><status>available</status></item>"
INDENTED = ("\n        <item>\n            <volumeId>vol-i{n}</volumeId>\n            <size>100</size>\n"
            "            <snapshotId></snapshotId>\n            <availabilityZone >z</availabilityZone >\n"
            "            <status>in-use</status>\n            <attachmentSet/>\n        </item>")
TYPED = "<item><volumeId>vol-t{n}</volumeId><size>{size}</size><iops>{iops}</iops><encrypted>{encrypted}</encrypted></item>"
HOSTILE = [
    "<item><volumeId>a\tb</volumeId></item>",
    "<item><volumeId>a\nb</volumeId><status>x\r\ny</status><size>\r</size></item>",
    "<item><volumeId>&#x9b;31m&#x7f;red&#9;&#x85;</volumeId></item>",
    "<item><volumeId>caf\u00e9</volumeId><status>\u2028</status></item>",
    "<item><volumeId>a&amp;b&lt;c&quot;</volumeId></item>",
    "<item><volumeId><![CDATA[x<y]]></volumeId></item>",
    "<item><!-- c --><volumeId>v</volumeId><?pi x?></item>",
    "<item><volumeId>\"q\"</volumeId><status>a,b</status><snapshotId> lead</snapshotId><size>trail </size></item>",
    "<item><volumeId>br]ack>et</volumeId><status>n</status></item>",
    "<item><volumeId>v</volumeId><size> </size><status>\n   </status></item>",
    "<item><volumeId>d1</volumeId><volumeId>d2</volumeId></item>",
    "<item><size/><volumeId>d3</volumeId><volumeId/></item>",
    "<item></item>", "<item> </item>", "<item/>", "<item>\n</item>",
    '<item a="1"><volumeId>attr</volumeId></item>',
    "<item><ec2:volumeId xmlns:ec2='x'>ns</ec2:volumeId><volumeId>n2</volumeId></item>",
    "<item>junk<volumeId>beside</volumeId></item>",
    "<item><item>inner</item><volumeId>v-item</volumeId></item>",
    "<item><volumeId>v-nested</volumeId><attachmentSet><item><instanceId>i-1</instanceId></item></attachmentSet>"
    "<tagSet><item><key>Name</key><value>web,1</value></item></tagSet></item>",
    "<item><volumeId>v-tag</volumeId><tagSet/></item>",
    "<item><volumeId>typed</volumeId><size>08</size><iops>x</iops><encrypted>true</encrypted></item>",
    "<item><volumeId>t2</volumeId><size>-0</size><iops>-12</iops><encrypted>True</encrypted></item>",
    "<item><volumeId>t3</volumeId><size>" + "9" * 5000 + "</size><encrypted>false</encrypted><iops>0</iops></item>",
    "<item><volumeId>t4</volumeId><size>12345678901234567890</size><encrypted>no</encrypted></item>",
    "<item><other>\u00e9</other><volumeId>v-other</volumeId></item>",
    "<item><volumeId>null</volumeId><status>nul;l|x</status></item>",
    "<item><volumeId>%s%%</volumeId><status>50%</status></item>",
    "<item><volumeId>v-spaced</volumeId  ><status  />\t<size\n>1</size></item>",
]


def answer(items: list[str], tail: str = "</volumeSet><nextToken>t</nextToken></DescribeVolumesResponse>") -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<DescribeVolumesResponse xmlns="http://ec2.amazonaws.com/'
            'doc/2016-11-15/">\n    <requestId>r-1</requestId>\n    <volumeSet>' + "".join(items) + tail).encode()


def mixed() -> list[str]:
    """Runs of one shape, shapes that change, and every hostile item between them."""
    items = [PLAIN.format(n=n) for n in range(30)] + [INDENTED.format(n=n) for n in range(5)] + [
        TYPED.format(n=n, size=n * 7, iops=n - 5, encrypted=("true", "false")[n % 2]) for n in range(20)]
    for n, hostile in enumerate(HOSTILE):
        items += [hostile, PLAIN.format(n=f"h{n}"), PLAIN.format(n=f"g{n}"), INDENTED.format(n=f"h{n}")]
    return items


COLUMN_SETS = {
    "guide": (VOLUME_COLUMNS, None),
    "all": (VOLUME_COLUMNS, ("all",)),
    "tag": (VOLUME_COLUMNS + (tag_column("Name"),), ("volumeId", "tag:Name", "status")),
    "reordered": (VOLUME_COLUMNS, ("status", "size", "volumeId")),
}
DELIMITERS = [Delimiters(), Delimiters(row="|", col=";"), Delimiters(col="n"), Delimiters(col="%", row="\r\n")]


def printed(content: list[bytes] | bytes, kind, columns_set: str, delimiters: Delimiters, fast: bool
            ) -> tuple[str, str]:
    columns, picked = COLUMN_SETS[columns_set]
    out = io.StringIO()
    printer = kind(Sink(out), Layout(delimiters=delimiters, columns=picked))
    printer.begin([ExtraColumn((c.key, c.title)) if c.extra else (c.key, c.title) for c in columns])
    keys = {key for key, _ in printer.columns}
    read = tuple(c for c in columns if c.key in keys)
    flat = printer.flat(read) if fast else None
    try:
        document.stream(content, "e", "volumeSet", lambda item: printer.row(table_row(read, item)) if isinstance(
            item, dict) else None, "DescribeVolumes", {c.head: None for c in read}, flat)
        error = ""
    except EndpointError as exc:
        error = str(exc)
    assert not fast or flat is not None
    if fast and columns_set == "guide" and len(content) > 1000:  # the lane took runs: it is what is tested
        assert 0 < flat.count < out.getvalue().count("\n")
    return out.getvalue(), error


def cut(content: bytes, size: int) -> list[bytes]:
    return [content[i:i + size] for i in range(0, len(content), size)]


@pytest.mark.parametrize("kind", [PlainPrinter, JsonPrinter], ids=["plain", "json"])
@pytest.mark.parametrize("columns_set", sorted(COLUMN_SETS))
@pytest.mark.parametrize("delimiters", DELIMITERS, ids=repr)
def test_the_lane_prints_what_the_handlers_print(kind, columns_set, delimiters):
    content = answer(mixed())
    expected = printed(content, kind, columns_set, delimiters, fast=False)
    assert expected[0].count("vol-") > 100 and not expected[1]
    for size in (len(content), 64 * 1024, 4096, 1000, 97, 13):  # an item, a tag, a name cut anywhere
        assert printed(cut(content, size), kind, columns_set, delimiters, fast=True) == expected


def test_every_cut_of_a_small_answer_prints_the_same():
    content = answer([PLAIN.format(n=1), INDENTED.format(n=2), HOSTILE[7], PLAIN.format(n=3), PLAIN.format(n=4)])
    expected = printed(content, PlainPrinter, "guide", Delimiters(), fast=False)
    for at in range(1, len(content)):
        assert printed([content[:at], content[at:]], PlainPrinter, "guide", Delimiters(), fast=True) == expected


@pytest.mark.parametrize("broken", [
    "</volumeSet></Wrong>",  # a mismatched tag after the items: the same line and column
    "</volumeSet>",  # the document ends too early
    "</volumeSet>\x01</DescribeVolumesResponse>",  # a character XML forbids
    "<item><volumeId>v</volumeid></item></volumeSet></DescribeVolumesResponse>",
    "<item><volumeId>a\x01b</volumeId></item></volumeSet></DescribeVolumesResponse>",
    "<item><volumeId>a]]>b</volumeId></item></volumeSet></DescribeVolumesResponse>",
    "<item><volumeId>\xff</volumeId></item></volumeSet></DescribeVolumesResponse>",
    "<item><volumeId>&bogus;</volumeId></item></volumeSet></DescribeVolumesResponse>",
])
@pytest.mark.parametrize("size", [64 * 1024, 50])
def test_a_broken_answer_fails_as_before_after_the_same_rows(broken, size):
    content = answer([PLAIN.format(n=n) for n in range(40)] + ["\n"] + [INDENTED.format(n=n) for n in range(3)],
                     tail="").replace(b"</DescribeVolumesResponse>", b"") + broken.encode("latin-1")
    expected = printed(content, PlainPrinter, "guide", Delimiters(), fast=False)
    assert expected[1].startswith("e answered XML that could not be read (")
    assert printed(cut(content, size), PlainPrinter, "guide", Delimiters(), fast=True) == expected


def test_another_actions_answer_is_refused_before_any_row():
    content = answer([PLAIN.format(n=n) for n in range(5)]).replace(b"DescribeVolumesResponse", b"DeleteVolumeResponse")
    assert printed(content, PlainPrinter, "guide", Delimiters(), fast=True) == (
        "", "e answered DescribeVolumes with a DeleteVolumeResponse document, not its answer.")


@pytest.mark.parametrize("declaration", [b'<?xml version="1.0" encoding="ISO-8859-1"?>',
                                         b'<?xml version="1.0" encoding="utf-16"?>'])
def test_another_encoding_is_read_by_the_handlers(declaration, monkeypatch):
    from ec2ops.client import flat

    taken: list = []
    monkeypatch.setattr(flat.Lane, "feed", lambda *args: taken.append(args))
    content = answer([PLAIN.format(n=1)]).replace(b'<?xml version="1.0" encoding="UTF-8"?>', declaration)
    printed(content, PlainPrinter, "guide", Delimiters(), fast=True)
    assert taken == []


def test_a_closed_pipe_ends_the_reading_with_its_own_error():
    class Closed(io.StringIO):
        def write(self, text):
            raise BrokenPipeError

    printer = PlainPrinter(Sink(Closed()))
    printer.begin([ExtraColumn((c.key, c.title)) if c.extra else (c.key, c.title) for c in VOLUME_COLUMNS])
    read = tuple(c for c in VOLUME_COLUMNS if not c.extra)
    with pytest.raises(PipeClosed):
        document.stream(answer([PLAIN.format(n=n) for n in range(5)]), "e", "volumeSet", lambda item: None,
                        "DescribeVolumes", {c.head: None for c in read}, printer.flat(read))


def test_a_delimiter_that_is_not_text_leaves_the_rows_to_the_handlers():
    """Bytes of the command line that are not UTF-8 (surrogates): rows printed one by one, as before."""
    printer = PlainPrinter(Sink(io.StringIO()), Layout(delimiters=Delimiters(col="\udcff")))
    printer.begin([ExtraColumn((c.key, c.title)) if c.extra else (c.key, c.title) for c in VOLUME_COLUMNS])
    assert printer.flat(tuple(c for c in VOLUME_COLUMNS if not c.extra)) is None
