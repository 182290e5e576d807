"""Reading briefings and news items: candidate projects, aggregate figures and events, for
an officer to confirm. Django-free; nothing here writes anything.

Hand-written rules, not a model: briefings are a narrow register ("新签约项目41个,协议总投资
238.6亿元", "总投资18亿元的…项目", "签约A、B等9个项目,总投资42.3亿元"), the rules say why
each figure was read the way it was, and they run fast (no start-up, no GPU) on an isolated
network. jieba is not needed: names are delimited by the register's own markers.

What the rules keep apart (the traps of real briefings):
- amounts with their unit, normalised to 亿元/万元/亿美元/万美元/万亿元 ("8000万" is 万元);
  约/超/逾/近/余 kept as a qualifier; ranges ("10亿元至15亿元") keep both ends;
- threshold buckets ("亿元以上项目29个" is a count, never a total);
- what an amount is: 总投资 (a project's size) against 年度计划投资, 完成投资, 到位资金, 利用外资,
  产值, 税收, 注册资本 (never merged into 总投资);
- targets (目标, 任务, 力争, 确保…) marked "(目标)", never counted as results;
- a group amount ("A、B等9个项目,总投资42.3亿元") belongs to the group, not to A;
- the same figure repeated (headline and body) counted once; parts (其中…) kept as parts;
- numbers that are not money (亩, 平方米, 万吨, 人次, 第十九届, phone numbers) ignored;
- "我市/我区/我县" resolved from the unit given, else from the text's dateline;
- the venue of an event ("在深圳福田举行") is not the place of its projects.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import cn2an

from zhaoshang.lib.text import clean_text

CN_DIGITS = "零〇一二两三四五六七八九十百千点"
NUM = rf"(?:\d+(?:\.\d+)?|[{CN_DIGITS}]+)"
_UNIT = r"(?:万亿元|亿美元|万美元|亿元人民币|亿元|万元|亿|万)"
_APPROX_BEFORE = r"(?:约|超过|超|逾|近|达到|达|突破|共计|合计|计)?"
AMOUNT = re.compile(
    rf"(?P<approx>{_APPROX_BEFORE})(?P<low>{NUM})\s*(?P<low_unit>{_UNIT})?"
    rf"(?:\s*(?:至|到|—|–|-|~|～)\s*(?P<high>{NUM})\s*)?(?P<unit>{_UNIT})(?P<tail>余|多)?"
)
NOT_MONEY_AFTER = re.compile(
    r"^(?:吨|亩|平方|平米|人|套|件|户|辆|千瓦|株|头|只|册|台|张|条|册|元/)"
)
THRESHOLD_AFTER = re.compile(r"^(?:以上|及以上)")
COUNT = re.compile(rf"(?P<count>{NUM})(?:个|项|家)")
SENTENCE = re.compile(r"[^。!?！？\n]+[。!?！？]?")
CLAUSE_SPLIT = re.compile(r"[,，;；]")

# What an amount is, by the nearest of these words before it in its clause (longest first).
KINDS: list[tuple[str, str]] = [
    ("年度计划投资", "plan"),
    ("计划年度投资", "plan"),
    ("年度投资", "plan"),
    ("累计完成投资", "done"),
    ("已完成投资", "done"),
    ("完成投资", "done"),
    ("实际到位资金", "arrived"),
    ("到位资金", "arrived"),
    ("实际到资", "arrived"),
    ("到资", "arrived"),
    ("实际使用外资", "foreign"),
    ("实际利用外资", "foreign"),
    ("利用外资", "foreign"),
    ("使用外资", "foreign"),
    ("合同外资", "contract_foreign"),
    ("合同台资", "contract_foreign"),
    ("注册资本", "other"),
    ("产值", "other"),
    ("营业收入", "other"),
    ("营收", "other"),
    ("销售收入", "other"),
    ("销售额", "other"),
    ("税收", "other"),
    ("GDP", "other"),
    ("交易额", "other"),
    ("贸易额", "other"),
    ("增加值", "other"),
    ("进出口", "other"),
    ("融资", "other"),
    ("贷款", "other"),
    ("补贴", "other"),
    ("奖励", "other"),
    ("总投资额", "total"),
    ("总投资", "total"),
    ("投资总额", "total"),
    ("协议总投资", "total"),
    ("计划总投资", "total"),
    ("拟投资", "total"),
    ("计划投资", "total"),
    ("投资", "total"),
    ("签约金额", "total"),
    ("总额", "total"),
    ("规模", "other"),
]
TARGET_WORDS = ("目标", "任务", "力争", "确保", "计划新", "争取", "预计全年", "全年要")
STAGE_WORDS: list[tuple[str, str]] = [
    ("投产", "投产"),
    ("竣工", "投产"),
    ("完工", "投产"),
    ("开工", "开工"),
    ("动工", "开工"),
    ("动建", "开工"),
    ("开建", "开工"),
    ("封顶", "开工"),
    ("落地", "落地"),
    ("注册", "落地"),
    ("落户", "落地"),
    ("获批", "落地"),
    ("签约", "签约"),
    ("签署", "签约"),
    ("签下", "签约"),
    ("签订", "签约"),
    ("到资", "到资"),
    ("到位", "到资"),
    ("洽谈", "洽谈"),
    ("对接", "洽谈"),
    ("意向", "洽谈"),
]
NAME_SUFFIX = (
    r"(?:项目|产业园|科技园|基地|中心|总部|工程|研究院|综合体|工厂|车间|生态城|小镇|大楼|广场|"
    r"学校|医院|园区|产业城|物流园|数据港|示范区|新城|实验室|生产线|[一二三四五六七八九十\d]期)"
)
# Names are found from their ends (one pass over the text) and read backwards to where
# they start: a lazy pattern tried at every position was the extractor's slowest part.
NAME_END = re.compile(NAME_SUFFIX)
NAME_BODY = re.compile(r"[\u4e00-\u9fffA-Za-z0-9·()（）“”\-]{2,40}$")
# Where a name starts: after these words (the register's verbs and markers).
NAME_LEADS = re.compile(
    r".*(?:的|了|与|和|及|在|建设|投资|签约|引进|推进|打造|实施|新建|扩建|包括|其中|有|为|是|"
    r"以及|由|将|签下|落地|开工|落户|推动|加快|对接|洽谈|促成|达成|共建|合作|发布|建成|全力|"
    r"重点|如|像|将在|拟在|拟|正在|已|等|暨|向|对|与会|公司|用于|到|通过|开展|了解|深入)"
)
GENERIC = re.compile(
    r"^(?:[\d一二三四五六七八九十百千万亿个项家批]+|各类|一批|重点|重大|新签约|签约|落地|开工|外资|内资|"
    r"亿元以上|产业|招商|在谈|在建|储备|续建|新建|新开工|竣工|投产|已签约|已落地|已开工|"
    r"这些|该|此|本|其|各|全市|全区|全县|市级|省级|国家级|上述|其他|另|大|好|优质|"
    r"工业|服务业|农业|社会类|临空产业|数字经济|战略性新兴产业|产业链|龙头)*"
    r"(?:项目|中心|基地|工程|园区|总部|产业园)$"
    r"|^(?:部分|大部分|最大|主要|强化|更多|新投产|新竣工投产|先进制造业|现代服务业|现代农业|文旅)"
    r"(?:项目|中心|基地|工程)?$"
)
PLACE = re.compile(
    r"(?P<place>[\u4e00-\u9fff]{1,8}?(?:经济开发区|开发区|高新区|新区|工业园区|"
    r"园区|市|区|县|镇|乡|街道))"
)
PLACE_TIED = re.compile(
    r"(?:在|于|落户|落地|选址于?|位于|落户于)(?P<place>[\u4e00-\u9fff]{2,10}?"
    r"(?:经济技术开发区|经济开发区|开发区|高新区|新区|工业园区|园区|市|区|县|镇|乡))"
)
DATE = re.compile(
    r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:(?:至|到|—|-)(?:\d{1,2}月)?\d{1,2}日)?"
)
EVENT_WORDS = (
    r"(?:签约仪式|集中签约活动|签约活动|推介会|招商会|企业家大会|座谈会|茶话会|恳亲会|围炉活动|交易会|"
    r"海交会|博览会|投洽会|洽谈会|对接会|发布会|论坛|峰会|招商大会|云招商)"
)
EVENT = re.compile(rf"(?P<name>[\u4e00-\u9fffA-Za-z0-9·“”\"《》()（）—\-]{{2,40}}?{EVENT_WORDS})")
VENUE = re.compile(r"在(?P<venue>[^,，。;；]{2,20}?)(?:举行|举办|召开|开幕|隆重)")
DATELINE = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2,4}?)(?:新闻网讯|网讯|日报讯|讯|新闻网|融媒)")
UNIT_NAMES = {"亿元人民币": "亿元", "亿": "亿元", "万": "万元"}


@dataclass(slots=True)
class Money:
    value: Decimal
    unit: str
    high: Decimal | None
    approx: str
    kind: str
    start: int
    end: int
    threshold: bool = False


@dataclass(slots=True)
class ProjectCandidate:
    name: str
    amount_value: str | None = None
    amount_unit: str | None = None
    amount_value_max: str | None = None
    approx: str | None = None
    stage_hint: str | None = None
    place: str | None = None
    date: str | None = None
    sentence: str = ""


@dataclass(slots=True)
class Aggregate:
    what: str
    count: int | None
    amount_value: str | None
    amount_unit: str | None
    scope: str | None = None
    approx: str | None = None
    sentence: str = ""
    para: int = -1


@dataclass(slots=True)
class EventCandidate:
    name: str
    date: str | None = None
    place: str | None = None
    projects: int | None = None
    amount_value: str | None = None
    amount_unit: str | None = None
    para: int = -1


@dataclass(slots=True)
class Extraction:
    text: str
    projects: list[ProjectCandidate] = field(default_factory=list)
    aggregates: list[Aggregate] = field(default_factory=list)
    events: list[EventCandidate] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        def strip(d: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in d.items() if k not in ("sentence", "para")}

        return {
            "text": self.text,
            "projects": [strip(asdict(p)) for p in self.projects],
            "aggregates": [strip(asdict(a)) for a in self.aggregates],
            "events": [strip(asdict(e)) for e in self.events],
        }


_KIND_OF = dict(reversed(KINDS))  # a word listed twice: the first listing wins
_KINDS_REVERSED = re.compile(
    "|".join(re.escape(w[::-1]) for w in sorted(_KIND_OF, key=len, reverse=True))
)
_STAGE_OF = dict(reversed(STAGE_WORDS))
# At every position, the first listed stage word starting there (a lookahead finds them all,
# overlapping ones included).
_STAGE_STARTS = re.compile(
    "(?=(" + "|".join(re.escape(w) for w in dict.fromkeys(w for w, _ in STAGE_WORDS)) + "))"
)


def number(text: str) -> Decimal | None:
    if text[:1] not in CN_DIGITS:  # a raised InvalidOperation costs more than this test
        try:
            return Decimal(text)
        except InvalidOperation:
            pass
    try:
        return Decimal(str(cn2an.cn2an(text, "smart")))
    except (ValueError, KeyError, TypeError):
        return None


def _int(value: Decimal | None) -> int | None:
    return int(value) if value is not None and value == value.to_integral_value() else None


def _plain(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


class _Marks:
    """Where the punctuation `chars` (a character class) stands in a sentence, to find the
    clause around a position by bisection (the rules ask it for every amount and count)."""

    __slots__ = ("at", "length")

    def __init__(self, sentence: str, chars: re.Pattern[str]) -> None:
        self.at = [m.start() for m in chars.finditer(sentence)]
        self.length = len(sentence)

    def before(self, pos: int) -> int:
        """The last mark before `pos`, or -1."""
        k = bisect_left(self.at, pos)
        return self.at[k - 1] if k else -1

    def after(self, pos: int) -> int:
        """The first mark at or after `pos`, or the sentence's length."""
        k = bisect_left(self.at, pos)
        return self.at[k] if k < len(self.at) else self.length


CLAUSE_MARKS = re.compile("[,，;；]")
MONEY_CLAUSE = re.compile(r"投资|资金|金额|到资|外资|总额|签约|资本|贷款")
LONG_NUMBER_END = re.compile(r"\d{5,}$")
CONVERTED_END = re.compile(r"(?:折合|约合|相当于|合)$")


def _kind(before: str) -> str:
    """What the amount is, from the words before it in its clause: the keyword that ends
    nearest to it, the longest of those ("年度计划投资" over "投资")."""
    # One search of the reversed text: its first match is the keyword ending last, and the
    # alternation (longest first) picks the longest of those ending there.
    found = _KINDS_REVERSED.search(before[::-1])
    return _KIND_OF[found.group(0)[::-1]] if found else "unknown"


def amounts(sentence: str) -> list[Money]:
    """Every money amount in a sentence, with what it is."""
    if "亿" not in sentence and "万" not in sentence:
        return []  # every unit holds one of them: most sentences end here
    found = []
    marks: _Marks | None = None
    for m in AMOUNT.finditer(sentence):
        unit = m.group("unit")
        after = sentence[m.end() : m.end() + 4]
        if NOT_MONEY_AFTER.match(after) or (m.group("tail") == "多" and after[:1] in "吨亩人"):
            continue
        bare = unit in ("亿", "万")
        if bare and after[:1] == "元":
            unit += "元"
        before = sentence[max(0, m.start() - 12) : m.start()]
        marks = marks or _Marks(sentence, CLAUSE_MARKS)
        clause_before = sentence[marks.before(m.start()) + 1 : m.start()]
        if bare and not MONEY_CLAUSE.search(before + clause_before):
            continue  # "30万吨", "7500余家": a bare 万/亿 is money only in a money clause
        if before.endswith("第") or LONG_NUMBER_END.search(before):
            continue
        if CONVERTED_END.search(before):
            continue  # "67.4亿元人民币(折合9.36亿美元)": the same figure in another currency
        value = number(m.group("low"))
        if value is None:
            continue
        high = number(m.group("high")) if m.group("high") else None
        unit = UNIT_NAMES.get(unit, unit)
        approx = m.group("approx") or ""
        if approx in ("达到", "达", "共计", "合计", "计"):
            approx = ""
        if m.group("tail"):
            approx = approx or m.group("tail")
        found.append(
            Money(
                value=value,
                unit=unit,
                high=high,
                approx=approx,
                kind=_kind(clause_before or before),
                start=m.start(),
                end=m.end(),
                threshold=bool(THRESHOLD_AFTER.match(sentence[m.end() : m.end() + 3]))
                or (
                    (approx.startswith("超") or clause_before.endswith("超"))
                    and "项目" in sentence[m.end() : m.end() + 4]
                ),
            )
        )
    return found


def _clause_span(sentence: str, marks: _Marks, start: int, end: int) -> str:
    """The clause(s) from the one holding `start` to the one holding `end`, with what
    brackets them ("完成年度目标任务(签约总投资320亿元)"); `marks`: SPAN_MARKS of the sentence."""
    return sentence[marks.before(start) + 1 : marks.after(end)]


SPAN_MARKS = re.compile("[,，;；。]")


_TARGET = re.compile("|".join(TARGET_WORDS))


def _is_target(text: str) -> bool:
    return _TARGET.search(text) is not None


def _stage(text: str) -> str | None:
    """The stage word that starts last in `text` (the first listed of those starting there)."""
    last = None
    for last in _STAGE_STARTS.finditer(text):  # noqa: B007 — the last match is wanted
        pass
    return _STAGE_OF[last.group(1)] if last else None


NOT_A_NAME = re.compile(
    r"个|以上|亿元|万元|等|其中|^共|累计|今年|全年|目前|举行|举办|\d{4}年|外资项目|台资项目|一批|"
    r"^[一二三四]季度|滚动|梳理|强化|深入|开展|了解|书记|市长|区长|县长|^合同|^协议"
)
STEM_NOT_A_NAME = re.compile(
    r"(?:签约|开工|落地|投产|竣工|重点|重大|的|推介|意向|进度|招商|建设|储备|在谈|在建|续建|"
    r"滞后|未开工|重点产业)$"
)
LEAD_WORD = re.compile(NAME_LEADS.pattern.removeprefix(".*"))
AGENCY = re.compile(r"(?:招商服务中心|促进中心|服务中心|政务|管委会|指挥部|办公室|招商局|商务局)$")
# FOLLOW_REJECT and EXTEND are matched at a position (`.match(text, pos)`), so no "^".
FOLLOW_REJECT = re.compile(
    rf"(?:推进会|推介会|招商会|签约会|发布会|对接会|观摩|建设和|招引|库|管理|服务|工作|资金|负责人|"
    rf"单位|专班|清单|谋划|包装|看|储备|攻坚|需求|资源|({NUM})(?:个|项))"
)
OWN_PLACE = re.compile(r"^(?:我|本|该)(?:市|区|县|省|镇)")
COUNTED = re.compile(rf"[{CN_DIGITS}\d]+(?:个|项|家|批|大|类|是|要)|\d")  # matched at the start
SUFFIX_AT_END = re.compile(NAME_SUFFIX + "$")
EXTEND = re.compile(rf"(?:[{CN_DIGITS}\d]+期(?:项目|工程)?|项目|工程|大楼|广场|园区|基地)+")


def _clean_name(raw: str) -> str | None:
    name = raw.strip('“”"()（）·-— ')
    # The name starts after the last lead word that leaves at least four characters.
    cut = 0
    for lead in LEAD_WORD.finditer(name):
        if len(name) - lead.end() >= 4:
            cut = max(cut, lead.end())
    name = OWN_PLACE.sub("", name[cut:].lstrip('“”"、的了'))
    if name.count("“") != name.count("”") or len(name) < 4 or GENERIC.match(name):
        return None
    if AGENCY.search(name) or name.startswith(("我", "本", "全", "该", "此")):
        return None
    if NOT_A_NAME.search(name):
        return None
    if COUNTED.match(name):
        return None
    stem = SUFFIX_AT_END.sub("", name)
    if STEM_NOT_A_NAME.search(stem):
        return None
    return name


def project_names(sentence: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of the project names in a sentence.

    A name never holds the punctuation of SEGMENT_BREAK; nor do the patterns that find its
    body, extend it or reject it, so they run on the whole sentence, each kept within the
    segment of its name end by where it starts (`taken` is reset at each break)."""
    out = []
    breaks = [brk.start() for brk in SEGMENT_BREAK.finditer(sentence)]
    b = 0
    taken = 0  # where the next name may start: after the last one, in the same segment
    for m in NAME_END.finditer(sentence):
        end_start = m.start()
        while b < len(breaks) and breaks[b] < end_start:
            taken = max(taken, breaks[b] + 1)
            b += 1
        if end_start < taken:
            continue
        body = NAME_BODY.search(sentence, taken, end_start)
        if body is None:
            continue
        stop = m.end()
        more = EXTEND.match(sentence, stop)
        if more:  # "…产业园" + "二期项目"
            stop = more.end()
        if FOLLOW_REJECT.match(sentence, stop):
            continue  # "项目推进会", "外资项目5个": not a project's name
        name = _clean_name(sentence[body.start() : stop])
        if name:
            taken = stop
            out.append((name, stop - len(name), stop))
    return out


SEGMENT_BREAK = re.compile("[，,;；:：、。!?！？]")  # what can never be inside a name


def _dateline_place(text: str) -> str | None:
    head = text[:60]
    m = DATELINE.match(head)
    if m:
        return m.group("place")
    first = text.splitlines()[0] if text else ""
    found = PLACE.search(first)
    return found.group("place") if found else None


# What may stand between a count and its amount: "41个,协议总投资238.6亿元", "86个,合同外资".
BETWEEN = re.compile(
    r"^[,，、]?\s*(?:以上)?(?:已?(?:签约|落地|开工|投产|集中开工|集中签约))?[,，、]?\s*"
    r"(?:涉及|协议|合同|计划|拟|签约|项目|累计|共|合计|完成|现场签约)?"
    r"(?:总投资额|总投资|投资总额|投资额|拟投资总额|投资|总额|金额|合同外资|外资|合同台资|台资|"
    r"合同引资|引资|资金|签约额)?"
    r"(?:约|达|超|逾|近|为)?$"
)
ANAPHORA = re.compile(r"^(?:该项目|项目|该基地|该园区|该中心)")
GROUP = re.compile(rf"等(?P<count>{NUM})(?:个|项)(?:项目|重点项目|产业链项目)?")
AGG_AFTER = re.compile(rf"(?:项目|线索|外商投资企业|外资企业)(?:共)?(?P<count>{NUM})(?:个|项|家)")
AGG_WHAT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()（）]{0,30}$")
AGG_BEFORE = re.compile(rf"(?P<count>{NUM})(?:个|项)(?P<what>[\u4e00-\u9fff]{{0,8}}?项目)")
AGG_VERB = re.compile(r"[\u4e00-\u9fff]{0,10}$")
AGG_LEAD = re.compile(
    r".*(?:的|中|全市|全区|全县|累计|共|今年|已|其中|并|新增|还|该县|该市|该区|我市|我区|我县)"
)
AGG_VERB_LEAD = re.compile(r".*(?:共|了|与|累计|此次|本次|现场|还|等)")
FIGURE_START = re.compile(r"^.*?(?=实际|到位|利用|使用|合同|年度|累计|完成|签约|协议|总投资)")


def _aggregates(
    sentence: str, moneys: list[Money], scope: str | None, has_names: bool, used: set[int]
) -> list[Aggregate]:
    """Counts of projects with the amount that follows them in the same clause or the next."""
    if not moneys and not COUNT.search(sentence):
        return []  # neither a count (each rule below needs one) nor an amount
    out: list[Aggregate] = []
    hits: list[tuple[int, int, str, int | None]] = []
    for m in AGG_AFTER.finditer(sentence):
        count = number(m.group("count"))
        head = AGG_WHAT.search(sentence, max(0, m.start() - 30), m.start())
        start_at = head.start() if head else m.start()
        what = sentence[start_at : m.start("count")].removesuffix("共")
        lead = AGG_LEAD.match(what)
        if lead and lead.end() < len(what) - 2:
            what = what[lead.end() :]
        hits.append((start_at, m.end(), what, _int(count)))
    for m in AGG_BEFORE.finditer(sentence):
        if any(s <= m.start("count") < e for s, e, _, _ in hits):
            continue
        count = number(m.group("count"))
        lead = AGG_VERB.search(sentence, max(0, m.start() - 10), m.start())
        verb = lead.group(0) if lead else ""
        verb = AGG_VERB_LEAD.sub("", verb)
        hits.append((m.start("count"), m.end(), f"{verb}{m.group('what')}", _int(count)))
    hits.sort()
    spans = _Marks(sentence, SPAN_MARKS)
    for i, (start, end, what, n) in enumerate(hits):
        nxt = hits[i + 1][0] if i + 1 < len(hits) else len(sentence)
        threshold = next(
            (
                mo
                for mo in moneys
                if mo.threshold and mo.end <= start + len(what) and mo.start >= start - 12
            ),
            None,
        )
        money = None
        for j, mo in enumerate(moneys):
            if j in used or mo.threshold or mo.start < end or mo.start >= nxt:
                continue
            if mo.kind in ("other", "plan", "done") or not BETWEEN.match(sentence[end : mo.start]):
                break
            money = mo
            used.add(j)
            break
        label = what
        if threshold is not None and not label.startswith(threshold.unit[:1]):
            label = f"{sentence[max(0, threshold.start - 4) : threshold.end]}{what}"
        if _is_target(_clause_span(sentence, spans, start, money.end if money else end)):
            label += "(目标)"
        out.append(
            Aggregate(
                what=label,
                count=n,
                amount_value=_plain(money.value) if money else None,
                amount_unit=money.unit if money else None,
                scope=scope,
                approx=money.approx or None if money else None,
                sentence=sentence,
            )
        )
    # Amounts that are figures on their own (实际使用外资, 到位资金, 年度计划投资, a target's
    # 总投资…) with no count; in a sentence about named projects they are the projects'.
    clauses: _Marks | None = None
    for j, mo in enumerate(moneys):
        if j in used or mo.threshold or mo.kind in ("other", "unknown"):
            continue
        if has_names and mo.kind not in ("foreign", "contract_foreign"):
            continue
        if any(a.amount_value == _plain(mo.value) and a.amount_unit == mo.unit for a in out):
            continue
        clauses = clauses or _Marks(sentence, CLAUSE_MARKS)
        what = sentence[clauses.before(mo.start) + 1 : mo.start].strip()
        what = FIGURE_START.sub("", what) or what
        if _is_target(_clause_span(sentence, spans, mo.start, mo.end)):
            what += "(目标)"
        out.append(
            Aggregate(
                what=what,
                count=None,
                amount_value=_plain(mo.value),
                amount_unit=mo.unit,
                scope=scope,
                approx=mo.approx or None,
                sentence=sentence,
            )
        )
    return out


def extract(raw: str, *, unit_name: str | None = None) -> Extraction:
    text = clean_text(raw)
    result = Extraction(text=text)
    home = unit_name or _dateline_place(text)
    last_date: str | None = None
    seen_aggregates: set[tuple[Any, ...]] = set()
    seen_projects: dict[str, ProjectCandidate] = {}
    last: ProjectCandidate | None = None
    context: str | None = None
    for para, paragraph in enumerate(text.splitlines()):
        para_date = None
        for sentence in SENTENCE.findall(paragraph):
            dm = DATE.search(sentence) if "月" in sentence else None  # every date has 月
            if dm:
                para_date = dm.group(0)
            date = para_date or last_date
            moneys = amounts(sentence)
            names = project_names(sentence)
            used: set[int] = set()
            for agg in _aggregates(sentence, moneys, home, bool(names), used):
                key = (agg.count, agg.amount_value, agg.amount_unit, agg.what.endswith("(目标)"))
                if key in seen_aggregates:
                    continue  # the headline and the body state the same figure once
                seen_aggregates.add(key)
                agg.para = para
                result.aggregates.append(agg)
            free = [mo for i, mo in enumerate(moneys) if i not in used]
            if ANAPHORA.match(sentence):
                # "该项目…计划投资50亿元": the project of the sentence before; the names in a
                # description ("拟打造…田园综合体") are not projects of their own.
                total = next((mo for mo in free if mo.kind == "total" and not mo.threshold), None)
                if last is not None and last.amount_value is None and total is not None:
                    last.amount_value, last.amount_unit = _plain(total.value), total.unit
                    last.approx = total.approx or None
                    if total.high is not None:
                        last.amount_value_max = _plain(total.high)
                tied = PLACE_TIED.search(sentence)
                if last is not None and tied:
                    last.place = tied.group("place")
                continue
            before = len(result.projects)
            _projects(sentence, names, free, home, date, seen_projects, result, context)
            context = _stage(sentence) or context
            if len(result.projects) > before:
                last = result.projects[-1]
            _events(sentence, date, result, para)
        last_date = para_date or last_date
    result.aggregates = _deduplicated(result.aggregates)
    _attach_event_totals(result)
    return result


def _deduplicated(aggregates: list[Aggregate]) -> list[Aggregate]:
    """A headline states what the body states in full: a count without its amount, or an
    amount without its count, that another aggregate gives together is the same figure."""
    full = [a for a in aggregates if a.count is not None and a.amount_value is not None]
    out: list[Aggregate] = []
    for a in aggregates:
        target = a.what.endswith("(目标)")
        if (
            a.amount_value is None
            and a.count is not None
            and (
                a.count == 1
                or any(
                    f.count == a.count and not f.what.endswith("(目标)") for f in full if not target
                )
            )
        ):
            continue
        if (
            a.count is None
            and a.amount_value is not None
            and any(
                (f.amount_value, f.amount_unit) == (a.amount_value, a.amount_unit) for f in full
            )
        ):
            continue
        if (
            a.count is None
            and a.amount_value is not None
            and any(
                (o.amount_value, o.amount_unit) == (a.amount_value, a.amount_unit) and o is not a
                for o in out
            )
        ):
            continue
        out.append(a)
    return out


BUILDS_END = re.compile(r"(?:建设|投资|打造|新建)$")


def _projects(
    sentence: str,
    names: list[tuple[str, int, int]],
    moneys: list[Money],
    home: str | None,
    date: str | None,
    seen: dict[str, ProjectCandidate],
    result: Extraction,
    context_stage: str | None = None,
) -> None:
    """`context_stage`: what the text said last ("推介会上…签约"), for a sentence that
    describes its projects without saying it again."""
    if not names:
        return
    group = GROUP.search(sentence)
    venue = VENUE.search(sentence)
    for i, (name, start, end) in enumerate(names):
        prev_end = names[i - 1][2] if i else 0
        next_start = names[i + 1][1] if i + 1 < len(names) else len(sentence)
        in_group = (
            group is not None
            and start < group.start()
            and (
                sentence[end : group.start()].strip("、,， ") == ""
                or (i + 1 < len(names) and names[i + 1][1] < group.start())
            )
        )
        money = None
        if not in_group:
            window = [
                mo
                for mo in moneys
                if prev_end <= mo.start < next_start
                and not mo.threshold
                and mo.kind in ("total", "unknown", "contract_foreign")
            ]
            before = [
                mo
                for mo in window
                if (mo.end <= start and sentence.startswith("的", mo.end))
                or (mo.end <= start and BUILDS_END.search(sentence[mo.end : start]))
            ]
            after = [mo for mo in window if mo.start >= end]
            money = (before[-1] if before else None) or (after[0] if after else None)
            if money is None and window:
                money = window[-1] if window[-1].end <= start else None
        segment = sentence[prev_end:next_start]
        stage = _stage(segment) or _stage(sentence) or context_stage
        place = home
        for pm in PLACE_TIED.finditer(sentence[prev_end:next_start]):
            candidate = pm.group("place")
            if venue and candidate in venue.group("venue"):
                continue  # the venue of the event is not the project's place
            if candidate.startswith(("我", "本", "全", "各")):
                continue
            place = candidate
            break
        candidate = ProjectCandidate(
            name=name,
            amount_value=_plain(money.value) if money else None,
            amount_unit=money.unit if money else None,
            amount_value_max=_plain(money.high) if money and money.high else None,
            approx=(money.approx or None) if money else None,
            stage_hint=stage,
            place=place,
            date=date,
            sentence=sentence,
        )
        known = seen.get(name)
        if known is not None:
            if known.amount_value is None and candidate.amount_value is not None:
                known.amount_value, known.amount_unit = (
                    candidate.amount_value,
                    candidate.amount_unit,
                )
            continue
        seen[name] = candidate
        result.projects.append(candidate)


HELD = re.compile(r"举行|举办|召开|开幕|隆重")
EVENT_LEAD = re.compile(r"^.*(?:日|,|，|在|参加|出席|的|通过|举办|召开)")


def _events(sentence: str, date: str | None, result: Extraction, para: int) -> None:
    if not HELD.search(sentence):
        return
    for m in EVENT.finditer(sentence):
        name = m.group("name")
        opened = sentence.rfind("“", 0, m.end())
        closed = sentence.find("”", m.end() - 1)
        if opened != -1 and closed != -1 and sentence.rfind("”", 0, opened) < opened:
            name = sentence[opened + 1 : closed]  # a quoted title, whole
        else:
            name = EVENT_LEAD.sub("", name) or name
        name = name.strip('“”" ')
        if len(name) < 4 or any(e.name == name for e in result.events):
            continue
        venue = VENUE.search(sentence)
        result.events.append(
            EventCandidate(
                name=name, date=date, place=venue.group("venue") if venue else None, para=para
            )
        )


def _attach_event_totals(result: Extraction) -> None:
    """An event's projects and total: the signing aggregate of its paragraph ("合计8个项目,
    总投资额238.3亿元"), or of the text when it tells of one event only."""
    for event in result.events:
        same = [a for a in result.aggregates if a.para == event.para]
        if len(result.events) == 1:
            same += [a for a in result.aggregates if a.para != event.para]
        for agg in same:
            if agg.count and agg.amount_value and not agg.what.endswith("(目标)"):
                event.projects, event.amount_value = agg.count, agg.amount_value
                event.amount_unit = agg.amount_unit
                break
