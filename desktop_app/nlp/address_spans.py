"""Find street addresses and say how much of each may be shown: the README promises that an
address is kept only to the district (省/市/区/县), so everything after it — road, number,
estate, building, unit, room — is hidden.

Two steps, because one regex for every address form was both slow and leaky: a regex finds an
administrative prefix (province-led, city-led, or a bare 区/县 at a word boundary), then a
scanner reads the detail after it up to punctuation, a label such as 收件人/电话, a long digit
run (a phone or ID is masked on its own) or a space followed by something that is not an
address part. The detail counts only if it contains a road, a house number or an estate word,
so 「北京市朝阳区，能当天送达吗」 or 「3号发货」 stay as they are. Plain ``re``, no Qt.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_CJK = "\u4e00-\u9fff"
_PROVINCES = (
    "黑龙江|内蒙古|北京|天津|上海|重庆|河北|山西|辽宁|吉林|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|"
    "广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|广西|西藏|宁夏|新疆|香港|澳门"
)
_CITY = rf"[{_CJK}]{{1,6}}?(?:市|自治州|地区|盟)"
_DISTRICT = rf"[{_CJK}]{{1,6}}?(?:区|县|旗|市)"
# Where a prefix without a province may start: not inside a run of Chinese text, unless right
# after a word that introduces a place (地址, 寄到, 住在, 我在, 改成, 是 …).
_BOUNDARY = rf"(?:(?<![{_CJK}])|" + "|".join(f"(?<={c})" for c in "址到在住是为成往") + ")"
_NOT_A_PLACE_START = "(?![是在到住为的我家])"
_PROVINCE_RE = re.compile(
    rf"(?:{_PROVINCES})(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?"
    rf"(?:[ \t]*{_CITY})?(?:[ \t]*{_DISTRICT})?"
)
# Tried only a few characters before a 市/区/县 (scanning every position was the slow part).
_LOCAL_RE = re.compile(
    rf"{_BOUNDARY}{_NOT_A_PLACE_START}(?:(?P<city>[{_CJK}]{{2,3}}?市)(?:[ \t]*{_DISTRICT})?"
    rf"|[{_CJK}]{{2,4}}?区|[{_CJK}]{{1,4}}?县)"
)
_SUFFIX_RE = re.compile("[市区县]")
# Words ending in 市 that are not cities (楼下超市, 这个城市 …); 厦门市, 成都市, 聊城市 are.
_NOT_A_CITY_RE = re.compile(r"(?:[超夜菜股上集花街]|[大小个新老本这那此某各全整](?:城|都|门))市$")

_TOKEN_RE = re.compile(rf"[{_CJK}0-9A-Za-z#\-－—]+")
_GAP_RE = re.compile(r"[ \t\u3000]+")
# The detail ends before a label, a filler word or a long digit run (a phone, ID or card).
_CUT_RE = re.compile(
    r"收件人|收货人|联系人|姓名|电话|手机|座机|邮编|邮箱|身份证|订单|单号|快递|麻烦|谢谢|尽快|知道|怎么|什么|可以|的|\d{7,}"
)
_SPACED_PART_RE = re.compile(
    rf"\d[0-9A-Za-z#\-]*(?:[{_CJK}]{{1,3}})?|[A-Za-z]{{1,2}}\d*(?:号楼|号|座|栋|幢|区|楼|单元|室)?"
    rf"|[A-Za-z]{{1,8}}[{_CJK}]{{0,8}}(?:城|中心|大厦|广场|花园|公寓|苑|园|楼)|号楼|号院|号|弄|栋|幢|单元|室|楼|层|座|期"
    rf"|[{_CJK}]{{1,12}}(?:路|街|道|大道|巷|弄|胡同|村|组|中心|大厦|广场|花园|小区|公寓|苑|园|城|院|宿舍|校区|大学|楼)"
)
# A detail must start like a place name, not like the rest of a sentence (「…区的仓库」, 「…市吗」).
_BAD_FIRST = set("的是吗呢吧了也都还就能会要有在说到内外这那哪几多今明昨不没很太怎什把被给让跟区市省县")
# The last character a detail may end on; trailing particles (吧, 呀) are left visible.
_END_CHARS = set("路街道巷弄同村组号栋幢元室楼层座区苑园城院舍心场厦寓期门屯里坊湾庄府墅馆店部站校学厂所台段")
_EVIDENCE_RE = re.compile(
    r"\d+\s*[A-Za-z]?\s*(?:号|弄|栋|幢|单元|室|楼|层|座|期|组)"
    r"|[A-Za-z]\d*\s*(?:座|栋|幢)|\d+-\d+"
    r"|(?:路|街|道|巷|弄|胡同)(?=\s*\d|$)|大道|街道|胡同"
    r"|小区|花园|公寓|大厦|广场|苑|中心|大学|校区|宿舍|村|号院|园区|工业园|产业园|软件园|商务园"
)
_MAX_DETAIL = 60


class AddressSpan(NamedTuple):
    start: int
    end: int
    keep: str  # the administrative prefix, shown as it was written


def _detail_end(text: str, pos: int) -> int:
    """End of the detail that starts at ``pos`` (``pos`` itself when there is none)."""
    limit = min(len(text), pos + _MAX_DETAIL)
    end, first = pos, True
    while end < limit:
        gap = _GAP_RE.match(text, end)
        start = gap.end() if gap else end
        token = _TOKEN_RE.match(text, start, limit)
        if token is None:
            break
        word = token.group()
        if not first and not _SPACED_PART_RE.fullmatch(word):
            break
        cut = _CUT_RE.search(word)
        if first and (word[0] in _BAD_FIRST or word[0].isdigit()):
            break
        if cut:
            end = start + cut.start() if cut.start() else end
            break
        end, first = token.end(), False
    while end > pos and not (text[end - 1] in _END_CHARS or text[end - 1].isascii() and text[end - 1].isalnum()):
        end -= 1
    return end


def _next_prefix(text: str, pos: int) -> re.Match[str] | None:
    """The leftmost administrative prefix at or after ``pos``."""
    province = _PROVINCE_RE.search(text, pos)
    limit = province.start() if province else len(text)
    for suffix in _SUFFIX_RE.finditer(text, pos, min(len(text), limit + 4)):
        for start in range(max(pos, suffix.start() - 4), min(suffix.start(), limit)):
            local = _LOCAL_RE.match(text, start)
            if local is not None and not _NOT_A_CITY_RE.search(local["city"] or ""):
                return local
    return province


def find_addresses(text: str) -> list[AddressSpan]:
    """Every address in ``text`` whose detail (below the district) must be hidden."""
    if not any(ch in text for ch in "省市区县旗"):
        return []  # every prefix ends in one of these: most messages and log lines stop here
    found: list[AddressSpan] = []
    pos = 0
    while (m := _next_prefix(text, pos)) is not None:
        pos = m.start() + 1
        detail_start = m.end()
        gap = _GAP_RE.match(text, detail_start)
        if gap:
            detail_start = gap.end()
        end = _detail_end(text, detail_start)
        if end > detail_start and _EVIDENCE_RE.search(text, detail_start, end):
            found.append(AddressSpan(m.start(), end, text[m.start() : m.end()]))
            pos = end
    return found
