"""`zhaoshang`: the one command an operator uses from a shell.

    zhaoshang init                         migrate the database and load base data
    zhaoshang demo [--projects N] [--seed S] [--if-empty]
    zhaoshang serve [--host H] [--port P]
    zhaoshang user create --username U --unit UNIT --role ROLE --password-stdin
    zhaoshang token create --username U [--name N]
    zhaoshang import projects FILE [--unit UNIT] [--user U] [--sheet S] [--as-of DATE] [--dry-run]
                              [--all-or-nothing] [--json]
    zhaoshang export projects [--unit UNIT] [--format xlsx|csv|json] [-o FILE]
    zhaoshang unit add --parent UNIT --name NAME --kind park|department|town
    zhaoshang snapshot --as-of DATE [--unit UNIT] [--json]
    zhaoshang manage ...                   any Django management command

UNIT is a GB/T 2260 code or an unambiguous name ("长乐区", "福州市鼓楼区").
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

EXIT_USAGE = 2


class CliError(Exception):
    """A refusal to report in one line (in Chinese) with exit status 2."""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”无效,应为 YYYY-MM-DD") from None


@contextlib.contextmanager
def _progress(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; silent when output is piped or under tests."""
    if not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _unit(text: str):  # type: ignore[no-untyped-def]
    from zhaoshang.org.selectors import UnitLookupError, unit_resolve

    try:
        return unit_resolve(text)
    except UnitLookupError as exc:
        raise CliError(str(exc)) from None


# ── commands ───────────────────────────────────────────────────────────────────────


def cmd_init(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from zhaoshang.basedata import load_base_data
    from zhaoshang.org.services import _read_divisions

    call_command("migrate", interactive=False, verbosity=0)
    with _progress("加载行政区划", len(_read_divisions())) as advance:
        created = load_base_data(progress=advance)
    print(f"数据库已就绪;新增单位{created}个")


def cmd_demo(args: argparse.Namespace) -> None:
    from zhaoshang.demo import DEMO_PASSWORD, ensure_demo_users, load_demo
    from zhaoshang.projects.models import Project

    if args.if_empty and Project.objects.exists():
        print("数据库已有项目,未加载演示数据")
    else:
        started = time.perf_counter()
        with _progress("生成演示项目", args.projects) as advance:
            counts = load_demo(projects=args.projects, seed=args.seed, progress=advance)
        took = time.perf_counter() - started
        print(
            f"已加载演示数据:项目{counts['projects']}个、阶段记录{counts['stage_entries']}条、"
            f"到资记录{counts['arrivals']}条、企业{counts['companies']}家;"
            f"小分队{counts['teams']}支、外出招商{counts['trips']}次、对接记录{counts['contacts']}条、"
            f"活动{counts['events']}场(签约项目{counts['signings']}个)、企业诉求{counts['requests']}件、"
            f"审批节点{counts['approvals']}个、目标{counts['targets']}项、考评方案{counts['schemes']}个,"
            f"用时{took:.1f}秒"
        )
    users = ensure_demo_users()
    print("演示账号(密码均为 " + DEMO_PASSWORD + "):")
    for username, display in users:
        print(f"  {username:<10}{display}")


def cmd_serve(args: argparse.Namespace) -> None:
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn",
        "zhaoshang.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--no-control-socket",
        "--access-logfile",
        "-",
    ]
    print(f"招商 正在 http://{args.host}:{args.port}/ 上服务(Ctrl+C 停止)", flush=True)
    run()


def cmd_user_create(args: argparse.Namespace) -> None:
    from django.core.exceptions import ValidationError

    from zhaoshang.org.services import user_create

    if not args.password_stdin:
        raise CliError("请用 --password-stdin 从标准输入提供密码")
    password = sys.stdin.readline().rstrip("\n")
    try:
        user = user_create(
            username=args.username,
            unit=_unit(args.unit),
            role=args.role,
            password=password,
            display_name=args.display_name or "",
        )
    except ValidationError as exc:
        raise CliError(_messages(exc)) from None
    print(f"已创建用户 {user.username}({user.get_role_display()},{user.unit.name})")


def cmd_import_projects(args: argparse.Namespace) -> None:
    from pathlib import Path

    from zhaoshang.intake.importer import import_projects
    from zhaoshang.intake.layout import find_layout
    from zhaoshang.intake.sheets import SheetError, read_rows
    from zhaoshang.org.access import can_write_unit
    from zhaoshang.org.models import User

    path = Path(args.file)
    user = None
    if args.user:
        user = User.objects.filter(username=args.user, is_active=True).first()
        if user is None:
            raise CliError(f"找不到用户“{args.user}”")
    try:
        if args.unit:
            unit = _unit(args.unit)
        elif user is not None:
            unit = user.unit
        else:  # the sheet's own "填报单位:…" line
            filler = find_layout(read_rows(path, sheet=args.sheet)[1]).filler
            if not filler:
                raise CliError("请用 --unit 指定导入到哪个单位(表中没有“填报单位”)")
            unit = _unit(filler)
        if user is not None and not can_write_unit(user, unit):
            raise CliError(f"用户“{user.username}”无权向“{unit.name}”导入")
        report = import_projects(
            path=path, unit=unit, as_of=args.as_of, sheet=args.sheet,
            dry_run=args.dry_run, all_or_nothing=args.all_or_nothing, actor=user,
        )  # fmt: skip
    except (SheetError, ValueError) as exc:
        raise CliError(str(exc)) from None
    if _printed(
        report,
        args,
        f"新增{report.created}个,更新{report.updated}个,未变"
        f"{report.unchanged}个,拒绝{len(report.rejected)}行,重复{len(report.duplicates)}行"
        + (f",撞单{len(report.clashes)}行" if report.clashes else ""),
    ):
        return
    for clash in report.clashes:
        print(f"  第{clash['row']}行:{clash['reason']}(未导入,已报市级管理员)")
    if report.total_row_check and not report.total_row_check["matches"]:
        check = report.total_row_check
        stated, summed = check["stated_wan"], check["sum_wan"]
        print(f"  第{check['row']}行合计与明细不符:合计{stated}万元,明细之和{summed}万元")
    if report.guessed_years:
        print(
            "  以下行的日期没有年份,已按截至日期的年份补全:"
            + "、".join(map(str, report.guessed_years))
        )


def cmd_import_contacts(args: argparse.Namespace) -> None:
    from pathlib import Path

    from zhaoshang.intake.contacts import import_contacts
    from zhaoshang.intake.sheets import SheetError

    try:
        report = import_contacts(
            path=Path(args.file), unit=_unit(args.unit), as_of=args.as_of,
            dry_run=args.dry_run, all_or_nothing=args.all_or_nothing,
        )  # fmt: skip
    except (SheetError, ValueError) as exc:
        raise CliError(str(exc)) from None
    _printed(
        report,
        args,
        f"新增对接记录{report.created}条,已有{report.unchanged}条,拒绝{len(report.rejected)}行",
    )


def _printed(report: Any, args: argparse.Namespace, summary: str) -> bool:
    """An import's report: as JSON with --json (True: nothing more to print), else what
    happened, `summary` and each rejected row."""
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        return True
    verb = (
        "试导入(未写入)" if args.dry_run else ("已导入" if report.written else "未导入(有错误行)")
    )
    print(f"{verb}:{summary}")
    for r in report.rejected:
        print(f"  第{r['row']}行 {r['field']}:{r['reason']}")
    return False


def cmd_import_targets(args: argparse.Namespace) -> None:
    """Targets for one period from a sheet: all cells or none."""
    from pathlib import Path

    from django.core.exceptions import ValidationError

    from zhaoshang.figures.periods import period_parse
    from zhaoshang.intake.sheets import SheetError
    from zhaoshang.targets.services import targets_set
    from zhaoshang.targets.sheet import read_target_sheet

    try:
        period = period_parse(args.period)
        sheet = read_target_sheet(Path(args.file), within=_unit(args.unit))
    except (SheetError, ValueError) as exc:
        raise CliError(str(exc)) from None
    if sheet.errors:
        lines = [f"第{e['row']}行“{e['field']}”:{e['reason']}" if e["row"] else e["reason"]
                 for e in sheet.errors]  # fmt: skip
        raise CliError("未导入任何目标:\n  " + "\n  ".join(lines))
    try:
        changed = targets_set(period=period, items=sheet.items, actor=None,
                              source=f"导入自 {Path(args.file).name}")  # fmt: skip
    except ValidationError as exc:
        raise CliError(_messages(exc)) from None
    print(f"已导入{period.label}目标{len(sheet.items)}项(变更{changed}项)")


def cmd_extract(args: argparse.Namespace) -> None:
    """Read a briefing or news item (a .txt or .docx file, or standard input with "-"):
    the cleaned text and what was found in it; nothing is written to the books."""
    from pathlib import Path

    from django.core.exceptions import ValidationError

    from zhaoshang.intake.extract import extract
    from zhaoshang.intake.texts import read_text

    if args.file == "-":
        raw = sys.stdin.read()
    else:
        path = Path(args.file)
        if not path.exists():
            raise CliError(f"找不到文件 {path}")
        try:
            raw = read_text(path.name, path.read_bytes())
        except ValidationError as exc:
            raise CliError(_messages(exc)) from None
    unit_name = _unit(args.unit).name if args.unit else None
    result = extract(raw, unit_name=unit_name)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    print(result.text)
    print()
    for p in result.projects:
        amount = (
            f"{p.approx or ''}{p.amount_value}{p.amount_unit}" if p.amount_value else "金额未提及"
        )
        print(f"项目:{p.name}|{amount}|{p.stage_hint or '—'}|{p.place or '—'}|{p.date or '—'}")
    for a in result.aggregates:
        amount = f"{a.amount_value}{a.amount_unit}" if a.amount_value else "—"
        print(f"汇总:{a.what}|{a.count if a.count is not None else '—'}|{amount}")
    for e in result.events:
        signed = f"签约{e.projects}个、{e.amount_value}{e.amount_unit}" if e.projects else "—"
        print(f"活动:{e.name}|{e.date or '—'}|{e.place or '—'}|{signed}")


def cmd_briefing(args: argparse.Namespace) -> None:
    """The written briefing of a unit as of a date (as a user sees it, with --user)."""
    from pathlib import Path

    from zhaoshang.org.access import units_in_scope
    from zhaoshang.org.models import User
    from zhaoshang.reports.briefing import briefing_build
    from zhaoshang.reports.document import briefing_docx

    unit = _unit(args.unit)
    user = None
    if args.user:
        user = User.objects.filter(username=args.user, is_active=True).first()
        if user is None:
            raise CliError(f"找不到用户“{args.user}”")
        if not units_in_scope(user).filter(pk=unit.pk).exists():
            raise CliError(f"用户“{args.user}”无权查看“{unit.name}”")
    try:
        built = briefing_build(user=user, unit=unit, as_of=args.as_of, since=args.since)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.format == "docx":
        if not args.output:
            raise CliError("Word 格式请用 -o 指定输出文件")
        Path(args.output).write_bytes(briefing_docx(built))
        print(f"已写入 {args.output}")
        return
    text = (json.dumps(built.as_json(), ensure_ascii=False, indent=2) + "\n"
            if args.format == "json" else built.text)  # fmt: skip
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"已写入 {args.output}")
    else:
        sys.stdout.write(text)


def cmd_fx_recalculate(args: argparse.Namespace) -> None:
    """Apply the rate table as it is now to a month's arrivals (a recorded recalculation)."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from zhaoshang.org.models import User
    from zhaoshang.projects.services import capital_arrivals_recalculate

    user = User.objects.filter(username=args.user, is_active=True).first()
    if user is None:
        raise CliError(f"找不到用户“{args.user}”")
    try:
        rows = capital_arrivals_recalculate(
            month=args.month.replace(day=1), actor=user, reason=args.reason
        )
    except (PermissionDenied, ValidationError) as exc:
        message = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        raise CliError("".join(message)) from None
    for row in rows:
        before = row.corrects
        assert before is not None  # a recalculation always replaces a row
        was = f"汇率{before.rate or '—'}→{row.rate},折合{before.cny_wan or '—'}→{row.cny_wan}万元"
        print(f"{row.project.code} {row.arrived_on:%Y-%m-%d} {row.amount}{row.currency}:{was}")
    print(f"{args.month:%Y年%-m月}重新折算到资记录{len(rows)}条")


def cmd_export_projects(args: argparse.Namespace) -> None:
    from pathlib import Path

    from django.utils import timezone

    from zhaoshang.projects.export import (
        book_of,
        companion_path,
        projects_csv,
        projects_json,
        projects_xlsx,
        title_lines,
    )
    from zhaoshang.projects.models import Project

    unit = _unit(args.unit) if args.unit else None
    projects = Project.objects.all() if unit is None else Project.objects.in_unit(unit)
    book = book_of(projects)
    lines = title_lines(title="招商项目清单", filler=unit.name if unit else "全部单位",
                        as_of=timezone.localdate())  # fmt: skip
    if args.format in ("xlsx", "csv") and not args.output:
        raise CliError("导出 Excel 或 CSV 请用 -o 指定文件(阶段记录、到资记录随之写出)")
    if args.format == "xlsx":
        Path(args.output).write_bytes(projects_xlsx(book, lines=lines))
    elif args.format == "csv":
        for sheet, text in projects_csv(book, lines=lines).items():
            path = Path(args.output)
            (companion_path(path, sheet) if sheet else path).write_bytes(text.encode("utf-8-sig"))
    elif args.output:
        Path(args.output).write_text(projects_json(book), encoding="utf-8")
    else:
        sys.stdout.write(projects_json(book))
        return
    print(f"已导出到 {args.output}")


def cmd_token_create(args: argparse.Namespace) -> None:
    from zhaoshang.org.models import User
    from zhaoshang.org.services import token_create

    user = User.objects.filter(username=args.username, is_active=True).first()
    if user is None:
        raise CliError(f"找不到用户“{args.username}”")
    _, raw = token_create(user=user, name=args.name or "命令行创建")
    print(f"已为 {user.username} 创建访问令牌(只显示这一次,请妥善保存):")
    print(raw)


def cmd_unit_add(args: argparse.Namespace) -> None:
    from django.core.exceptions import ValidationError

    from zhaoshang.org.services import unit_add

    try:
        unit = unit_add(
            parent=_unit(args.parent), name=args.name, kind=args.kind, code=args.code or ""
        )
    except ValidationError as exc:
        raise CliError(_messages(exc)) from None
    print(f"已添加 {unit.name}(代码 {unit.code},上级 {unit.parent})")


def cmd_snapshot(args: argparse.Namespace) -> None:
    from zhaoshang.figures.pipeline import pipeline_snapshot
    from zhaoshang.figures.tally import BUCKET_LABELS, BUCKETS
    from zhaoshang.lib.money import format_total
    from zhaoshang.projects.models import Project

    unit = _unit(args.unit) if args.unit else None
    projects = Project.objects.all() if unit is None else Project.objects.in_unit(unit)
    snap = pipeline_snapshot(projects=projects, as_of=args.as_of)
    if args.json:
        data = snap.as_json()
        data["unit"] = unit.code if unit else None
        ordered = {k: data[k] for k in ("as_of", "unit", "total", "buckets")}
        print(json.dumps(ordered, ensure_ascii=False, indent=2))
        return
    d = args.as_of
    print(f"{unit.name if unit else '全部单位'} 截至{d.year}年{d.month}月{d.day}日")
    print(f"  合计    {snap.total.count:>7}个  {format_total(snap.total.amount_wan)}")
    for b in BUCKETS:
        t = snap.bucket(b)
        print(f"  {BUCKET_LABELS[b]:<6}{t.count:>7}个  {format_total(t.amount_wan)}")


def _messages(exc: Exception) -> str:
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError) and hasattr(exc, "message_dict"):
        return ";".join(m for msgs in exc.message_dict.values() for m in msgs)
    if isinstance(exc, ValidationError):
        return ";".join(exc.messages)
    return str(exc)


# ── parser ─────────────────────────────────────────────────────────────────────────


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise CliError(message)


def build_parser() -> argparse.ArgumentParser:
    from zhaoshang.org.models import Role

    parser = _Parser(prog="zhaoshang", description="招商项目管理系统命令行")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("init", help="迁移数据库并加载基础数据").set_defaults(func=cmd_init)

    demo = sub.add_parser("demo", help="加载演示数据")
    demo.add_argument("--projects", type=int, default=2000)
    demo.add_argument("--seed", type=int, default=2017)
    demo.add_argument("--if-empty", action="store_true", help="数据库已有项目时不加载")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="启动网页服务")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2)
    serve.set_defaults(func=cmd_serve)

    user = sub.add_parser("user", help="用户").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    create = user.add_parser("create", help="创建用户")
    create.add_argument("--username", required=True)
    create.add_argument("--unit", required=True)
    create.add_argument("--role", required=True, choices=Role.values)
    create.add_argument("--display-name")
    create.add_argument("--password-stdin", action="store_true")
    create.set_defaults(func=cmd_user_create)

    token = sub.add_parser("token", help="API 访问令牌").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    tcreate = token.add_parser("create", help="创建个人访问令牌(输出的最后一个词即令牌)")
    tcreate.add_argument("--username", required=True)
    tcreate.add_argument("--name")
    tcreate.set_defaults(func=cmd_token_create)

    imp = sub.add_parser("import", help="导入").add_subparsers(
        dest="what", required=True, parser_class=_Parser
    )
    ip = imp.add_parser("projects", help="导入项目表(.xlsx/.xls/.csv)")
    ip.add_argument("file")
    ip.add_argument("--unit", help="导入到的单位;不给时取 --user 的单位或表中的“填报单位”")
    ip.add_argument(
        "--user", help="以该用户的身份导入:只匹配、修改其有权修改的项目,历史记录写明其名"
    )
    ip.add_argument("--sheet", help="工作表名称;默认第一个")
    ip.add_argument("--as-of", type=_date, help="截至日期:无日期的阶段以此为生效日期")
    ip.add_argument("--dry-run", action="store_true", help="只检查,不写入")
    ip.add_argument("--all-or-nothing", action="store_true", help="有任何错误行则全部不导入")
    ip.add_argument("--json", action="store_true")
    ip.set_defaults(func=cmd_import_projects)

    ic = imp.add_parser("contacts", help="导入拜访、来访考察记录表")
    ic.add_argument("file")
    ic.add_argument("--unit", required=True, help="记录所属单位")
    ic.add_argument("--as-of", type=_date, help="截至日期:无年份的日期取此年份")
    ic.add_argument("--dry-run", action="store_true")
    ic.add_argument("--all-or-nothing", action="store_true")
    ic.add_argument("--json", action="store_true")
    ic.set_defaults(func=cmd_import_contacts)

    it = imp.add_parser("targets", help="导入目标任务表(单位 × 指标)")
    it.add_argument("file")
    it.add_argument("--period", required=True, help="期间:2017、2017Q2、2017-03 或 起..止")
    it.add_argument("--unit", default="350100", help="在此单位范围内识别表中的单位(默认福州市)")
    it.set_defaults(func=cmd_import_targets)

    exp = sub.add_parser("export", help="导出").add_subparsers(
        dest="what", required=True, parser_class=_Parser
    )
    ep = exp.add_parser("projects", help="导出项目(可再导入)")
    ep.add_argument("--unit")
    ep.add_argument("--format", choices=["xlsx", "csv", "json"], default="xlsx")  # EXPORT_FORMATS
    ep.add_argument("-o", "--output")
    ep.set_defaults(func=cmd_export_projects)

    unit = sub.add_parser("unit", help="单位").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    add = unit.add_parser("add", help="在单位下添加园区、部门或乡镇")
    add.add_argument("--parent", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--kind", required=True, choices=["park", "department", "town"])
    add.add_argument("--code")
    add.set_defaults(func=cmd_unit_add)

    snap = sub.add_parser("snapshot", help="项目库快照(截至某日)")
    snap.add_argument("--as-of", required=True, type=_date)
    snap.add_argument("--unit")
    snap.add_argument("--json", action="store_true")
    snap.set_defaults(func=cmd_snapshot)

    ex = sub.add_parser("extract", help="从简报、新闻文本中识别项目和数字(不写入)")
    ex.add_argument("file", help=".txt 或 .docx 文件;“-”从标准输入读")
    ex.add_argument("--unit", help="“我市/我区”所指的单位")
    ex.add_argument("--json", action="store_true")
    ex.set_defaults(func=cmd_extract)

    brief = sub.add_parser("briefing", help="生成招商工作简报")
    brief.add_argument("--unit", required=True)
    brief.add_argument("--as-of", required=True, type=_date)
    brief.add_argument("--since", type=_date, help="统计起始日期,默认当年1月1日")
    brief.add_argument("--format", choices=["text", "docx", "json"], default="text")
    brief.add_argument("--user", help="按该用户的可见范围生成;无权查看该单位时拒绝")
    brief.add_argument("-o", "--output")
    brief.set_defaults(func=cmd_briefing)

    fx = sub.add_parser("fx", help="美元汇率").add_subparsers(
        dest="fx_command", required=True, parser_class=_Parser
    )
    recalc = fx.add_parser("recalculate", help="按更正后的汇率重新折算某月已登记的到资(留痕)")
    recalc.add_argument("--month", required=True, type=_date, help="该月任一日,如 2024-06-01")
    recalc.add_argument("--user", required=True, help="执行的市级管理员")
    recalc.add_argument("--reason", required=True, help="重新折算的原因")
    recalc.set_defaults(func=cmd_fx_recalculate)

    manage = sub.add_parser("manage", help="Django 管理命令", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _setup_django()
    if argv[:1] == ["manage"]:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["zhaoshang manage", *argv[1:]])
        return 0
    try:
        args = build_parser().parse_args(argv)
        args.func(args)
    except CliError as exc:
        print(f"zhaoshang: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return 0


if __name__ == "__main__":
    sys.exit(main())
