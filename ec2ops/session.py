"""A run's context: its common inputs, the one client they make (when the first call goes out), the
hooks the command's traits put around each call, and its printer. A session for another region or
profile of the same run shares the connections, the keys read and the warnings given.
Nothing here loads httpcore or rich."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from ec2ops import awsconfig, credentials, endpoint, output, resources
from ec2ops.options import Common, env_number

if TYPE_CHECKING:
    from ec2ops.spec import Inputs, Operation


@dataclass
class Call:
    """One call a command makes, as the hooks around it see it: `tags` are those a flow gives what
    this call creates (a template's), under those of --tag."""

    action: str
    params: dict[str, Any]
    list_key: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


# A hook around each call: (call, send) -> the answer, where send(call) makes the call.
Hook = Callable[[Call, Callable[[Call], Any]], Any]


class _Shared:
    """What every session of one run shares: the connection pool, the keys read (stdin is read once),
    and the warnings already given."""

    def __init__(self) -> None:
        self.connections = None
        self.keys = None
        self.profiles = None  # --profiles: each one's keys, resolved once per run (credentials.across)
        self.warned: set[str] = set()


class Session:
    def __init__(self, common: Common, hooks: Iterable[Hook] = (), keys=None, shared: _Shared | None = None):
        self.common = common
        self.hooks = tuple(hooks)
        self.sink = output.Sink()
        self._keys = keys  # a profile's own (--profiles); else the run's, read when first needed
        self._shared = shared or _Shared()
        self._client = None

    @property
    def form(self) -> str:
        return self.common.output_form

    @property
    def get(self) -> str | None:
        return self.common.get

    def hooked(self, hooks: Iterable[Hook]) -> "Session":
        """This session with `hooks` around each of its calls (a command's traits: dry run, tags)."""
        return Session(self.common, hooks, self._keys, self._shared)

    def for_target(self, region: str | None, profile: str | None = None, listed: str | None = None) -> "Session":
        """The same inputs for another region (its endpoint as DescribeRegions `listed` it), or another
        profile (its keys, and its region when none is given), sharing connections and hooks."""
        common, keys = self.common, self._keys
        if profile is not None:
            keys, own_region = self.profiles.keys(profile)
            region = region or common.region or own_region
            common = dataclasses.replace(common, profile=profile)
        region = region or endpoint.resolve(common)[1]
        common = dataclasses.replace(common, **endpoint.for_region(common, region, listed))
        return Session(common, self.hooks, keys, self._shared)

    @property
    def profiles(self):
        """--profiles: each profile's keys, resolved once per run for every session of it."""
        if self._shared.profiles is None:
            from ec2ops.credentials.across import Profiles  # here: only --profiles needs it

            self._shared.profiles = Profiles(self.network())
        return self._shared.profiles

    def endpoint_and_region(self) -> tuple[str, str]:
        return endpoint.resolve(self.common)

    # -- the client ----------------------------------------------------------------------------
    @property
    def client(self):
        if self._client is None:
            from ec2ops.client.query import Client, Settings

            c = self.common
            keys = self._keys or self._run_keys()
            url, region = self.endpoint_and_region()
            self._client = Client(Settings(
                credentials=keys, endpoint=url, region=region,
                api_version=c.api_version,
                signature_version=int(c.signature_version),
                signature_method=c.signature_method,
                **self.network(),
                max_attempts=c.max_attempts or awsconfig.max_attempts(c.profile),
                retry_mode=awsconfig.retry_mode(c.profile),
                retry_base_delay=env_number("EC2OPS_RETRY_BASE_DELAY", 0.25, float),
                max_response_bytes=env_number("EC2OPS_MAX_RESPONSE_BYTES", 64 * 1024 * 1024, int),
                debug=c.debug,
            ), http=self._shared.connections)
            self._shared.connections = self._client.http  # one pool for every region and profile of the run
        return self._client

    def _run_keys(self):
        """The run's keys, through the credential chain (flags, --profile, the environment, the
        profile); read once for every region."""
        if self._shared.keys is None:
            c = self.common
            secret, token = (c.access_key.reveal() if c.access_key else None), \
                (c.session_token.reveal() if c.session_token else None)
            self._shared.keys = credentials.resolve(c.access_key_id, secret, token, c.profile,
                                                    c.profile_typed, self.network())
            if c.access_key is not None and not c.key_from_stdin:
                self.warn_once("the secret key given as --access-key shows in the process list; "
                               "prefer AWS_SECRET_ACCESS_KEY, a profile, or --access-key -.")
        return self._shared.keys

    def network(self) -> dict:
        """How the run reaches AWS, EC2, STS and the SSO portal alike: the proxy, the CA bundle, the
        timeouts, and where a warning goes (a plain-http endpoint's, said once)."""
        c = self.common
        return {"proxy": c.proxy, "ca_bundle": c.ca_bundle or awsconfig.setting(c.profile, "ca_bundle"),
                "connect_timeout": c.connect_timeout, "read_timeout": c.read_timeout, "warn": self.warn_once}

    def warn_once(self, message: str) -> None:
        if message not in self._shared.warned:
            self._shared.warned.add(message)
            output.warn(message)

    # -- calls ---------------------------------------------------------------------------------
    def call(self, action: str, params: dict[str, Any] | None = None, list_key: str | None = None,
             tags: dict[str, str] | None = None):
        """Every call of a command goes through here, and through its hooks. A Describe's answer read
        item by item as it is used (its list: `list_key`) is a Page."""
        def send(call: Call):
            return self.client.call(call.action, call.params, call.list_key)

        for hook in reversed(self.hooks):
            send = (lambda call, hook=hook, inner=send: hook(call, inner))
        return send(Call(action, dict(params or {}), list_key, dict(tags or {})))

    def pages(self, action: str, params: dict[str, Any] | None, list_key: str, ahead: bool = True):
        """A Describe call's answers, page by page as they arrive (the next asked for ahead): a read,
        which no hook changes. A reader of stdout that goes away while a page is awaited ends it (141)."""
        return self.client.pages(action, params, list_key, ahead, gone=output.stdout_reader_gone)

    def printer(self, layout: output.Layout) -> output.Printer:
        return output.printer(layout, self.sink)

    def layout(self, delimiters: output.Delimiters) -> output.Layout:
        """How this run prints, before the command's traits have their say (--columns)."""
        return output.Layout(self.form, self.get, delimiters, self.common.color)


@dataclass(frozen=True)
class Run:
    """One command run: the operation, the session its calls go through (the traits' hooks around
    each), its inputs as read and checked, and each trait's state (traits.Trait -> what it read)."""

    op: Operation
    session: Session
    inputs: Inputs
    traits: Mapping[Any, Any]


class Lookups:
    """What a command may read before or after its call: read-only EC2 calls, and the keys in use.
    A changing call is refused here: it belongs to a flow's `perform`, in plain sight."""

    def __init__(self, session: Session):
        self._session = session
        self.request_id: str | None = None  # of the last lookup: the answer when nothing else is sent

    def read(self, action: str, params: dict[str, Any] | None = None):
        if not resources.reads(action):
            raise AssertionError(f"a lookup may not call {action}: it changes something")
        response = self._session.call(action, params)
        self.request_id = response.request_id
        return response

    @property
    def credentials(self):
        """The keys signing the calls now (temporary ones may have been renewed since the run began)."""
        return self._session.client.settings.credentials.current()
