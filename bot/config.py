"""The one settings object: every tunable of qualbot, read from ``QUALBOT_*`` variables or ``.env``.

Build it once at the edge (the CLI, a test fixture) and pass it in; nothing reads it from a
global.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.resources import resource_path


class Settings(BaseSettings):
    """Runtime configuration. Every field maps to ``QUALBOT_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="QUALBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///./qualbot.db"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1, le=64)  # server processes sharing the port
    public_url: str = ""  # how visitors and reps reach the server; defaults to http://host:port

    api_key: SecretStr | None = None  # when unset, a key is generated on first start (see bot/apikeys.py)
    api_key_file: Path = Path("./qualbot-api-key.txt")

    flows_dir: Path = Field(default_factory=lambda: resource_path("flows"))
    prompts_dir: Path = Field(default_factory=lambda: resource_path("prompts"))
    widget_dir: Path = Field(default_factory=lambda: resource_path("widget"))
    policy_dir: Path = Field(default_factory=lambda: resource_path("policy"))  # policy.yaml, routing.yaml
    default_flow: str = "bant"
    # Origins (scheme://host[:port]) whose pages may embed the chat widget; empty allows every
    # origin (the demo). The server's own public URL is always allowed.
    widget_allowed_origins: list[str] = Field(default_factory=list)

    extractor: Literal["rules", "llm", "hybrid", "auto"] = "auto"  # auto: hybrid with an LLM key or base URL, else rules
    llm_model: str = "gpt-4o-mini"
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = 8.0  # bounds the whole LLM step of one message, retries included
    llm_max_retries: int = 1
    # How the LLM is made to answer in the fact schema: json_schema (OpenAI structured outputs;
    # vLLM, Ollama and llama.cpp honour it as guided decoding), function_calling (a forced tool
    # call; needs a server with tool support), or json_mode (plain JSON object, schema in prompt).
    llm_structured_method: Literal["json_schema", "function_calling", "json_mode"] = "json_schema"

    # Rate limits, in the `limits` notation ("30/minute", "5/second;100/hour").
    rate_limit_ws_connect: str = "60/minute"  # new chat connections per client IP
    rate_limit_ws_message: str = "30/minute"  # messages per conversation
    rate_limit_api: str = "600/minute"  # REST calls per API key (or per IP without one)
    max_body_bytes: int = 1_048_576  # HTTP request bodies (the inbound-email route sets its own)

    rules_inline_chars: int = 600  # longer texts are read by the rules in a worker process, within:
    rules_timeout_seconds: float = 2.0  # a text that takes longer yields no facts (the message is kept)
    max_message_chars: int = 4096  # a chat text longer than this is refused (4 KB in the protocol)
    max_frame_bytes: int = 16384
    typing_delay_seconds: float = 0.3  # the bot's typing indicator shows only for answers slower than this; 0: always
    retention_days: int = 0  # purge transcripts older than this many days; 0 keeps them
    retention_check_seconds: float = 3600.0
    storage_retry_seconds: float = 30.0  # how long a turn waits out a database outage before giving up
    timezone: str = "UTC"  # the day a message was written is taken in this zone

    # SDR console (docs/console.md). Cookies get the Secure flag when the request came over
    # HTTPS or the public URL is https ("auto"), always, or never (plain-HTTP development).
    secure_cookies: Literal["auto", "always", "never"] = "auto"
    console_session_hours: float = 12.0
    # Failed sign-ins allowed per client address and per account ("N per M minutes", limits syntax).
    console_login_limit_ip: str = "20 per 5 minutes"
    console_login_limit_account: str = "5 per 5 minutes"
    console_live_minutes: int = 30  # a conversation counts as live when it changed this recently

    # ---- email (docs/email.md) ----
    smtp_host: str = ""  # the outgoing relay; empty: emails are queued but not sent
    smtp_port: int = 587
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = 20.0
    email_from: str = "Sales Team <sales@example.com>"  # the From header of every email
    email_sender_name: str = ""  # the name signing emails; defaults to the display name of email_from
    reply_domain: str = "reply.example.com"  # reply addresses are reply+TOKEN@<reply_domain>
    smtp_listen: str = ""  # host:port for the built-in SMTP receiver; empty: not started
    inbound_secret: SecretStr | None = None  # shared secret of POST /inbound/email; unset: route refused
    email_max_message_bytes: int = 10_000_000  # bigger inbound messages are refused (SMTP 552 / HTTP 413)
    email_max_body_chars: int = 20_000  # text kept from one inbound body
    email_followups: int = 2  # follow-ups after an unanswered email
    email_followup_spacing_seconds: float = 3 * 86400.0  # wait before each follow-up
    email_scheduler_interval_seconds: float = 30.0  # how often due follow-ups and retries are looked for
    email_send_retries: int = 8  # attempts per outgoing email before it is marked failed
    email_retry_base_seconds: float = 30.0  # retry backoff doubles from here (capped at one hour)
    email_inbound_new_leads: bool = False  # an email from an unknown sender starts a new lead (else: unthreaded)

    log_level: str = "INFO"

    # Handoff (docs/webhooks.md). Lists accept JSON or comma-separated values.
    webhook_urls: Annotated[list[str], NoDecode] = Field(default_factory=list)
    webhook_secret: SecretStr | None = None  # required when webhook_urls is set
    webhook_events: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["lead.qualified", "lead.nurture", "lead.disqualified", "lead.updated"]
    )
    webhook_timeout_seconds: float = 10.0
    slack_webhook_url: SecretStr | None = None  # a Slack-compatible incoming webhook
    slack_events: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["lead.qualified", "lead.nurture", "lead.disqualified"]
    )
    rep_email: bool = True  # email the assigned rep (through the SMTP settings above; needs smtp_host)
    console_path: str = "/console/leads/{lead_id}"  # where a lead opens, after the public URL
    outbox_worker: bool = True  # deliver from this process (several servers may share the outbox)
    outbox_poll_seconds: float = 1.0
    outbox_batch_size: int = 20
    outbox_lease_seconds: float = 60.0  # a claim by a worker that crashed expires after this
    outbox_max_attempts: int = 10  # then the delivery is dead, its last error kept
    outbox_backoff_base_seconds: float = 10.0
    outbox_backoff_cap_seconds: float = 3600.0
    outbox_retention_days: int = 90  # delivered and dead deliveries older than this are deleted; 0 keeps them

    @field_validator("webhook_urls", "webhook_events", "slack_events", mode="before")
    @classmethod
    def _list(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def _handoff(self) -> "Settings":
        from bot.handoff.payloads import EVENTS

        for url in self.webhook_urls:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"webhook URL {url!r} is not an http(s) URL")
        if self.webhook_urls and self.webhook_secret is None:
            raise ValueError("QUALBOT_WEBHOOK_SECRET is required when QUALBOT_WEBHOOK_URLS is set")
        for name in (*self.webhook_events, *self.slack_events):
            if name not in EVENTS:
                raise ValueError(f"unknown event {name!r} in the webhook/slack events; events are {', '.join(EVENTS)}")
        return self

    def secret_values(self) -> list[str]:
        """Every configured secret, for masking in logs."""
        return [v.get_secret_value() for v in vars(self).values() if isinstance(v, SecretStr) and v.get_secret_value()]

    def effective_public_url(self) -> str:
        """The base URL used in links that leave the server (emails, webhooks)."""
        return self.public_url.rstrip("/") or f"http://{self.host}:{self.port}"

    def lead_url(self, lead_id: str) -> str:
        """The console page of a lead, as a link that leaves the server."""
        return self.effective_public_url() + self.console_path.format(lead_id=lead_id)
