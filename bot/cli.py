"""The ``qualbot`` command: serve, migrate, extract, flows check, email send, users (console accounts)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qualbot",
        description="Qualify sales leads by conversation. Settings come from QUALBOT_* variables and .env.",
    )
    parser.add_argument("--version", action="version", version=f"qualbot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="migrate the database, then serve chat, API and widget")
    serve.add_argument("--host", help="address to listen on (default: QUALBOT_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=_port, help="port to listen on (default: QUALBOT_PORT or 8000)")
    serve.add_argument(
        "--workers", type=int, help="server processes sharing the port (default: QUALBOT_WORKERS or 1)"
    )

    commands.add_parser("migrate", help="bring the database schema up to date")

    extract = commands.add_parser("extract", help="extract facts from benchmark-format JSON lines")
    extract.add_argument("--extractor", choices=["rules", "llm", "hybrid"], default="rules")
    extract.add_argument("input", nargs="?", type=Path, help="JSON lines file (default: standard input)")

    flows = commands.add_parser("flows", help="work with dialogue flows")
    flows_commands = flows.add_subparsers(dest="flows_command", metavar="SUBCOMMAND", required=True)
    check = flows_commands.add_parser("check", help="validate flow files; errors name file and line")
    check.add_argument("paths", nargs="*", type=Path, help="flow files or folders (default: the flows folder)")

    users = commands.add_parser("users", help="manage console users")
    users_commands = users.add_subparsers(dest="users_command", metavar="SUBCOMMAND", required=True)
    add = users_commands.add_parser("add", help="create a console user (the password is prompted for)")
    add.add_argument("--email", required=True)
    add.add_argument("--role", choices=["admin", "sdr"], required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    users_commands.add_parser("list", help="list console users")

    email = commands.add_parser("email", help="the email channel")
    email_commands = email.add_subparsers(dest="email_command", metavar="SUBCOMMAND", required=True)
    send = email_commands.add_parser("send", help="start an email conversation: queue the first email and send it")
    send.add_argument("--to", required=True, help="the prospect's email address")
    send.add_argument("--name", help="the prospect's name")
    send.add_argument("--company", help="the prospect's company")
    send.add_argument("--flow", help="the flow to qualify with (default: QUALBOT_DEFAULT_FLOW)")
    send.add_argument("--downloaded", help="what the prospect downloaded, for the first email")
    return parser


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{port} is outside 1-65535")
    return port


def _settings(**overrides: object):  # type: ignore[no-untyped-def]
    from bot.config import Settings

    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        lines = [f"  QUALBOT_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()]
        raise SystemExit("qualbot: invalid settings:\n" + "\n".join(lines)) from None


def _serve(args: argparse.Namespace) -> int:
    from bot.app import create_app
    from bot.db.migrate import upgrade
    from bot.engine.flow import FlowError
    from bot.errors import QualbotError
    from bot.qualify.policy import PolicyError
    from bot.logs import configure_logging
    from bot.server import serve, serve_workers

    settings = _settings(host=args.host, port=args.port, workers=args.workers)
    configure_logging(settings.log_level, settings.secret_values())
    try:
        app = create_app(settings)  # also checks flows, policy and settings before anything starts
    except (FlowError, PolicyError, QualbotError) as exc:
        print(f"qualbot: cannot start: {exc}", file=sys.stderr)
        return 1
    upgrade(settings)
    if settings.workers == 1:
        serve(app, settings)
        return 0
    asyncio.run(_ensure_api_key(settings))  # once here, not raced by every worker
    try:
        serve_workers(settings, lambda: create_app(settings))
    except OSError as exc:  # the port: taken, or not ours to bind
        print(f"qualbot: cannot start: {settings.host}:{settings.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


async def _ensure_api_key(settings) -> None:  # type: ignore[no-untyped-def]
    from bot.apikeys import ensure_api_key
    from bot.db.session import create_engine, create_sessionmaker

    engine = create_engine(settings)
    try:
        await ensure_api_key(settings, create_sessionmaker(engine))
    finally:
        await engine.dispose()


def _migrate(_: argparse.Namespace) -> int:
    from bot.db.migrate import upgrade

    settings = _settings()
    upgrade(settings)
    print("qualbot: database is up to date")
    return 0


def _extract(args: argparse.Namespace) -> int:
    from bot.extract.batch import BatchInputError, run_extract
    from bot.extract.factory import build_extractor

    extractor = build_extractor(_settings(), args.extractor)
    try:
        if args.input is None:
            lines = sys.stdin.readlines()
        else:
            lines = args.input.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        print(f"qualbot: cannot read {args.input}: {exc.strerror}", file=sys.stderr)
        return 1
    try:
        run_extract(lines, sys.stdout, extractor)
    except BatchInputError as exc:
        print(f"qualbot: {exc}", file=sys.stderr)
        return 1
    return 0


def _flows(args: argparse.Namespace) -> int:
    from bot.engine.check import main_flows_check

    return main_flows_check([str(p) for p in args.paths])


def _read_password(from_stdin: bool) -> str:
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise SystemExit("qualbot: the passwords differ")
    return first


def _users(args: argparse.Namespace) -> int:
    import asyncio
    from datetime import UTC, datetime

    from bot.console.auth import InvalidUser, create_user, list_users
    from bot.db.migrate import upgrade
    from bot.db.session import create_engine, create_sessionmaker

    settings = _settings()
    upgrade(settings)
    password = _read_password(args.password_stdin) if args.users_command == "add" else ""

    async def run() -> int:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                if args.users_command == "list":
                    for user in await list_users(session):
                        state = " (disabled)" if user.disabled_at else ""
                        print(f"{user.email}\t{user.role}{state}")
                    return 0
                try:
                    user = await create_user(session, email=args.email, password=password, role=args.role, now=datetime.now(UTC))
                except InvalidUser as exc:
                    print(f"qualbot: {exc.message}", file=sys.stderr)
                    return 1
                await session.commit()
                print(f"qualbot: created {user.role} {user.email}")
                return 0
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _email(args: argparse.Namespace) -> int:
    import asyncio

    from bot.channels.email.cli import send_outreach
    from bot.db.migrate import upgrade

    settings = _settings()
    upgrade(settings)
    return asyncio.run(send_outreach(settings, to=args.to, name=args.name, company=args.company, flow=args.flow,
                                     downloaded=args.downloaded))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``qualbot`` command and ``python -m bot``."""
    args = _parser().parse_args(argv)
    handlers = {
        "serve": _serve, "migrate": _migrate, "extract": _extract, "flows": _flows, "email": _email, "users": _users,
    }
    return handlers[args.command](args)
