"""The Help sheet of the workbook template: one line per column, in English and in Chinese.

Written in both languages side by side (the sheet is read by staff of either language), so not translated.
"""

AMOUNT_EN = "Amounts in yuan, as releases write them: 844.75亿, 84.475 billion, 8,447,500万 or 84475000000."
AMOUNT_ZH = "金额（元），可照公告写法填写：844.75亿、84.475 billion、8,447,500万 或 84475000000。"
DATE_EN = "A date such as 2023-08-23, 2023/8/23 or 2023年8月23日."
DATE_ZH = "日期，如 2023-08-23、2023/8/23 或 2023年8月23日。"
EDITION_EN = "The edition's number, as on the Edition sheet; may be left empty. The example rows use 0 and are ignored."
EDITION_ZH = "届次编号，与“Edition”表相同，可留空。示例行的届次为 0，导入时忽略。"
NOTE_EN = "Public note; cite sources in brackets, such as [S12]."
NOTE_ZH = "公开说明；引用来源时写在方括号中，如 [S12]。"
SOURCES_EN = "Source keys, commas between them (S12, S13): the first is the one the value was taken from."
SOURCES_ZH = "来源编号，用逗号分隔（S12, S13）；第一个为数值所取自的来源。"
RESEARCH_EN = "Staff-only research note; never public."
RESEARCH_ZH = "仅供工作人员的研究备注，不公开。"
YES_NO_EN = "yes or no (是 / 否)."
YES_NO_ZH = "填 yes 或 no（是 / 否）。"

COMMON = {
    "edition": (EDITION_EN, EDITION_ZH),
    "sources": (SOURCES_EN, SOURCES_ZH),
    "public_note_en": (NOTE_EN + " English.", NOTE_ZH + "英文。"),
    "public_note_zh": (NOTE_EN + " Chinese.", NOTE_ZH + "中文。"),
    "research_note": (RESEARCH_EN, RESEARCH_ZH),
}

HELP = {
    "Edition": {
        "number": ("The edition's number, such as 15 (0 is the example row).", "届次编号，如 15（0 为示例行）。"),
        "year": ("The year it was held, such as 2025.", "举办年份，如 2025。"),
        "start_date": ("First day. " + DATE_EN, "开幕日。" + DATE_ZH),
        "end_date": ("Last day. " + DATE_EN, "闭幕日。" + DATE_ZH),
        "name_zh": ("The expo's name in Chinese.", "博览会中文名称。"),
        "name_en": ("The expo's name in English.", "博览会英文名称。"),
        "theme_zh": ("Theme in Chinese.", "中文主题。"),
        "theme_en": ("Theme in English.", "英文主题。"),
        "city": ("Host city in English.", "举办城市（英文）。"),
        "city_zh": ("Host city in Chinese.", "举办城市（中文）。"),
        "venue": ("Venue in English.", "场馆（英文）。"),
        "venue_zh": ("Venue in Chinese.", "场馆（中文）。"),
        "notes": (NOTE_EN + " English.", NOTE_ZH + "英文。"),
        "notes_zh": (NOTE_EN + " Chinese.", NOTE_ZH + "中文。"),
    },
    "Sources": {
        "key": ("The source's key, such as S12 (S0 is the example row).", "来源编号，如 S12（S0 为示例行）。"),
        "title": ("Title in English.", "英文标题。"),
        "title_zh": ("Title in Chinese.", "中文标题。"),
        "publisher": ("Publisher in English.", "发布机构（英文）。"),
        "publisher_zh": ("Publisher in Chinese.", "发布机构（中文）。"),
        "url": ("Web address, starting https:// or http://.", "网址，以 https:// 或 http:// 开头。"),
        "published_on": ("Date of publication. " + DATE_EN, "发布日期。" + DATE_ZH),
        "language": ("zh (Chinese) or en (English).", "zh（中文）或 en（英文）。"),
    },
    "Figures": {
        "metric": (
            "The metric's code or name, such as participants or signed_value.",
            "指标代码或名称，如 participants 或 signed_value。",
        ),
        "stage": (
            "pre_event, opening, closing (when empty) or retrospective.",
            "pre_event（会前）、opening（开幕）、closing（闭幕，留空即此）或 retrospective（事后）。",
        ),
        "value": (
            "The figure; for money " + AMOUNT_EN + " Counts as numbers: 20000 or 2万.",
            "数值；金额" + AMOUNT_ZH + " 数量填数字：20000 或 2万。",
        ),
        "qualifier": (
            "exact (when empty), more_than, about, nearly or at_least; or the words: over, 超过, 近, 约.",
            "exact（确数，留空即此）、more_than、about、nearly 或 at_least；也可写 over、超过、近、约。",
        ),
        "basis": (
            "For money: contract_investment, agreement_amount, total_investment, investment_attracted, "
            "from_outside_province, planned_investment or unspecified; empty for other figures.",
            "金额口径：contract_investment、agreement_amount、total_investment、investment_attracted、"
            "from_outside_province、planned_investment 或 unspecified；其他数值留空。",
        ),
        "wording_zh": ("The source's own words in Chinese.", "来源原文（中文）。"),
        "wording_en": ("The source's own words in English.", "来源原文（英文）。"),
        "definition_en": (
            "Where this edition counts differently, what it counts (English).",
            "本届统计口径不同时的说明（英文）。",
        ),
        "definition_zh": (
            "Where this edition counts differently, what it counts (Chinese).",
            "本届统计口径不同时的说明（中文）。",
        ),
    },
    "Bands": {
        "lower_yuan": ("The band's lower bound. " + AMOUNT_EN, "区间下限。" + AMOUNT_ZH),
        "upper_yuan": (
            "The band's upper bound; empty for no upper bound. " + AMOUNT_EN,
            "区间上限，可留空。" + AMOUNT_ZH,
        ),
        "count": ("The number of projects in the band, such as 12.", "该区间的项目数，如 12。"),
        "is_nested": (
            "yes when the band also counts the projects of the bands above it. " + YES_NO_EN,
            "若该区间包含更高区间的项目，填 yes。" + YES_NO_ZH,
        ),
    },
    "Sectors": {
        "position": ("The order in the release: 1, 2, 3 …", "在公告中的顺序：1、2、3……"),
        "published_name_en": ("The sector's name as the release gives it, in English.", "公告中的行业名称（英文）。"),
        "published_name_zh": ("The sector's name as the release gives it, in Chinese.", "公告中的行业名称（中文）。"),
        "sector": (
            "The portal's sector it means, by name (New energy, 新能源); empty: looked up by the published name.",
            "对应的门户行业名称（如 New energy、新能源）；留空则按公告名称查找。",
        ),
    },
    "Projects": {
        "title": ("The project's title in English (with the edition, its key).", "项目英文名称（与届次一起唯一）。"),
        "title_zh": ("The project's title in Chinese.", "项目中文名称。"),
        "sector": (
            "The sector, by name: New energy, 新能源, or a name on the Sectors sheet.",
            "行业名称，如 New energy、新能源，或“Sectors”表中的名称。",
        ),
        "value": ("The project's value. " + AMOUNT_EN, "项目金额。" + AMOUNT_ZH),
        "scope": (
            "international or domestic (国际 / 国内); empty: international when a partner is given.",
            "international 或 domestic（国际 / 国内）；留空时有合作国家即为国际。",
        ),
        "partner": (
            "The partner country, by name or code: Russia, RU, 俄罗斯.",
            "合作国家，名称或代码：Russia、RU、俄罗斯。",
        ),
        "parties": ("The signing parties in English.", "签约方（英文）。"),
        "parties_zh": ("The signing parties in Chinese.", "签约方（中文）。"),
        "location": ("Where the project is.", "项目所在地。"),
        "signed_on": ("Date signed. " + DATE_EN, "签约日期。" + DATE_ZH),
        "kind": (
            "contract (when empty), agreement or intent (合同 / 协议 / 意向).",
            "contract（合同，留空即此）、agreement（协议）或 intent（意向）。",
        ),
        "status": (
            "signed (when empty), under_construction, operating or stalled.",
            "signed（已签约，留空即此）、under_construction、operating 或 stalled。",
        ),
        "source": ("The key of the source listing the project, such as S12.", "列出该项目的来源编号，如 S12。"),
        "is_illustrative": (
            "yes for an illustrative project, not a real one. " + YES_NO_EN,
            "示意性项目（非真实项目）填 yes。" + YES_NO_ZH,
        ),
        "generated_from": (
            "For an illustrative project: the source whose totals it matches.",
            "示意性项目：其合计所依据的来源编号。",
        ),
        "description": ("Description in English.", "英文说明。"),
        "description_zh": ("Description in Chinese.", "中文说明。"),
    },
}

INTRODUCTION = [
    (
        "One workbook fills in one edition: the Edition sheet has one row, the other sheets its rows. "
        "Sheets may be left empty or deleted.",
        "一个工作簿填写一届：“Edition”表填一行，其他表填该届的数据。不需要的表可留空或删除。",
    ),
    (
        "The example rows (edition 0, source S0) are ignored: replace them with your own rows or leave them.",
        "示例行（届次 0、来源 S0）导入时忽略：可替换为自己的数据，也可保留。",
    ),
    (
        "Nothing is written until you confirm the preview, and a workbook with any error writes nothing. "
        "Importing never publishes: an editor publishes the edition after its reconciliation.",
        "确认预览之前不写入任何数据；有任何错误的工作簿不写入任何数据。导入不会发布：由编辑核对后发布。",
    ),
    ("Formulas are refused: paste values.", "不接受公式，请粘贴数值。"),
]


def help_rows(columns_by_sheet: dict[str, list[str]], required_by_sheet: dict[str, tuple]) -> list[list[str]]:
    """The Help sheet's rows under its header: sheet, column, required, English, Chinese."""
    rows = [["", "", "", english, chinese] for english, chinese in INTRODUCTION]
    for sheet, columns in columns_by_sheet.items():
        for column in columns:
            english, chinese = HELP.get(sheet, {}).get(column) or COMMON.get(column, ("", ""))
            required = "yes / 是" if column in required_by_sheet[sheet] and column != "edition" else ""
            rows.append([sheet, column, required, english, chinese])
    return rows


HELP_HEADERS = ["sheet", "column", "required 必填", "what it holds", "说明"]
