"""The interface's words in English, simplified and traditional Chinese, and choosing one."""

from __future__ import annotations

from collections.abc import Mapping

from erfurt.web.intake_words import INTAKE_STRINGS

LANGUAGES: tuple[str, ...] = ("en", "zh-Hans", "zh-Hant")
LANGUAGE_NAMES: Mapping[str, str] = {"en": "English", "zh-Hans": "简体中文", "zh-Hant": "繁體中文"}

# key: (English, simplified, traditional)
_STRINGS: Mapping[str, tuple[str, str, str]] = {
    "app": ("Erfurt archive", "Erfurt 档案库", "Erfurt 檔案庫"),
    "skip": ("Skip to content", "跳到正文", "跳到正文"),
    "search": ("Search", "搜索", "搜尋"),
    "declare": ("Record a declaration", "登记声明", "登記聲明"),
    "tally": ("Tally", "统计", "統計"),
    "calls": ("Calls", "电话外联", "電話外聯"),
    "log_call": ("Log a call", "登记通话", "登記通話"),
    "phone": (
        "Phone number (kept only as a keyed hash)",
        "电话号码（只保存为密钥哈希）",
        "電話號碼（只保存為金鑰雜湊）",
    ),
    "call_outcome": ("Outcome", "结果", "結果"),
    "call_logged": ("Call logged as record", "通话已登记为记录", "通話已登記為記錄"),
    "earlier_calls": (
        "Earlier calls to this number",
        "此前拨打此号码的次数",
        "此前撥打此號碼的次數",
    ),
    "calls_made": ("Calls", "通话数", "通話數"),
    "log": ("Published log", "公开日志", "公開日誌"),
    "login": ("Log in", "登录", "登入"),
    "logout": ("Log out", "退出", "登出"),
    "user": ("User name", "用户名", "使用者名稱"),
    "password": ("Password", "密码", "密碼"),
    "bad_login": ("Wrong user name or password.", "用户名或密码错误。", "使用者名稱或密碼錯誤。"),
    "query": ("Words or phrase", "关键词或短语", "關鍵詞或短語"),
    "collection": ("Collection", "收藏集", "收藏集"),
    "any": ("any", "全部", "全部"),
    "no_hits": ("Nothing found.", "没有找到结果。", "沒有找到結果。"),
    "next": ("Next page", "下一页", "下一頁"),
    "previous": ("Previous page", "上一页", "上一頁"),
    "page": ("Page", "页", "頁"),
    "results": ("Results", "结果", "結果"),
    "document": ("Document", "文件", "文件"),
    "added": ("Added", "添加时间", "加入時間"),
    "by": ("by", "添加人", "加入者"),
    "type": ("Type", "类型", "類型"),
    "size": ("Size (bytes)", "大小（字节）", "大小（位元組）"),
    "text": ("Extracted text", "提取的文本", "擷取的文字"),
    "no_text": ("No text extracted yet.", "尚未提取文本。", "尚未擷取文字。"),
    "custody": ("Custody chain", "保管链", "保管鏈"),
    "record": ("Record", "记录", "記錄"),
    "kind": ("Kind", "种类", "種類"),
    "time": ("Time", "时间", "時間"),
    "who": ("Who", "操作人", "操作者"),
    "original": ("Download original", "下载原件", "下載原件"),
    "receipt": ("Download receipt", "下载收据", "下載收據"),
    "alias": ("Alias (not a real name)", "化名（非真名）", "化名（非真名）"),
    "organisations": ("Organisations left", "退出的组织", "退出的組織"),
    "place": ("Place", "地点", "地點"),
    "statement": ("Statement", "声明内容", "聲明內容"),
    "channel": ("Channel", "渠道", "渠道"),
    "submit": ("Submit", "提交", "提交"),
    "declared": ("Declaration recorded", "声明已登记", "聲明已登記"),
    "number": ("Declaration number", "声明编号", "聲明編號"),
    "appended": ("Appended as log record", "已写入日志记录", "已寫入日誌記錄"),
    "receipt_hint": (
        "Keep the receipt: it proves this declaration's date without naming anyone.",
        "请保存收据：它能证明声明的日期，但不包含任何人的身份。",
        "請保存收據：它能證明聲明的日期，但不包含任何人的身分。",
    ),
    "total": ("Total", "总计", "總計"),
    "declarations": ("Declarations", "声明数", "聲明數"),
    "persons": ("Persons", "人数", "人數"),
    "group_by": ("Group by", "分组方式", "分組方式"),
    "language": ("Language", "语言", "語言"),
    "error": ("Error", "错误", "錯誤"),
    "upload": ("Upload", "上传", "上傳"),
    "files": ("Files", "文件", "檔案"),
    "folder": ("A whole folder", "整个文件夹", "整個資料夾"),
    "drop": ("Or drop files here", "或将文件拖放到这里", "或將檔案拖放到這裡"),
    "outcome": ("Outcome", "结果", "結果"),
    "failed": ("Failed", "失败", "失敗"),
    "verify": ("Verify a receipt", "验证收据", "驗證收據"),
    "verify_intro": (
        "Your browser checks the receipt itself: nothing is sent to this server. Compare the key "
        "below with the one the registry publishes elsewhere.",
        "由您的浏览器自行验证收据，不会向本服务器发送任何内容。请将下方密钥与登记处在别处公布的密钥核对。",
        "由您的瀏覽器自行驗證收據，不會向本伺服器傳送任何內容。請將下方金鑰與登記處在別處公佈的金鑰核對。",
    ),
    "receipt_file": ("Receipt file", "收据文件", "收據檔案"),
    "vkey": ("Verifier key of the log", "日志的验证密钥", "日誌的驗證金鑰"),
    "verified": ("Verified: record", "验证通过：记录", "驗證通過：記錄"),
    "not_verified": ("Not verified", "验证失败", "驗證失敗"),
    "not_found": ("Not found.", "未找到。", "找不到。"),
    "forbidden": ("You may not see this page.", "您无权查看此页面。", "您無權查看此頁面。"),
    "names": ("Names", "姓名筛查", "姓名篩查"),
    "name": ("Name", "姓名", "姓名"),
    "birth_date": ("Birth date", "出生日期", "出生日期"),
    "country": ("Country", "国家或地区", "國家或地區"),
    "schema": ("Kind of entity", "实体类型", "實體類型"),
    "match": ("Match", "比对", "比對"),
    "matches": ("Matches", "匹配结果", "匹配結果"),
    "no_match": ("No match.", "没有匹配。", "沒有匹配。"),
    "score": ("Score", "分数", "分數"),
    "why": ("Why it scored so", "评分依据", "評分依據"),
    "feature": ("Feature", "特征", "特徵"),
    "effect": ("Effect", "影响", "影響"),
    "detail": ("What it saw", "比对细节", "比對細節"),
    "lists": ("Lists loaded", "已载入的名单", "已載入的名單"),
    "no_lists": ("No list is loaded yet.", "尚未载入任何名单。", "尚未載入任何名單。"),
    "list": ("List", "名单", "名單"),
    "format": ("Format", "格式", "格式"),
    "entities": ("Entities", "实体数", "實體數"),
    "screen_csv": ("Screen a CSV", "批量筛查 CSV", "批次篩查 CSV"),
    "screen_intro": (
        "One name per row under a header: name, and optionally id, birth_date, country, schema. "
        "The names stay in this server's memory only.",
        "每行一个姓名，首行为表头：name，可选 id、birth_date、country、schema。"
        "姓名仅保存在本服务器内存中。",
        "每行一個姓名，首行為表頭：name，可選 id、birth_date、country、schema。"
        "姓名僅保存在本伺服器記憶體中。",
    ),
    "csv_file": ("CSV file (UTF-8)", "CSV 文件（UTF-8）", "CSV 檔案（UTF-8）"),
    "screen": ("Screen", "筛查", "篩查"),
    "alerts": ("Rows with matches", "有匹配的行", "有匹配的列"),
    "not_screened": ("Rows not screened", "未能筛查的行", "未能篩查的列"),
    "download": ("Download", "下载", "下載"),
    "row": ("Row", "行", "列"),
    "verify_package": ("Verify an evidence package", "验证证据包", "驗證證據包"),
    "verify_package_intro": (
        "The server checks the package against this archive's key: every file against its "
        "manifest, the record's inclusion proof, the signed checkpoint, and the originals by "
        "hash. Nothing you send is kept.",
        "服务器用本档案库的密钥核验证据包：每个文件与清单、记录的包含证明、签名检查点以及原件的哈希值。"
        "您发送的内容不会被保存。",
        "伺服器用本檔案庫的金鑰核驗證據包：每個檔案與清單、記錄的包含證明、簽章檢查點以及原件的雜湊值。"
        "您傳送的內容不會被保存。",
    ),
    "package_file": ("Evidence package (.zip)", "证据包（.zip）", "證據包（.zip）"),
    "export": ("Export evidence package", "导出证据包", "匯出證據包"),
    "chart_caption": (
        "Bars: declarations per period; line: the running total.",
        "柱形：每个时段的声明数；折线：累计总数。",
        "柱形：每個時段的聲明數；折線：累計總數。",
    ),
    "chart_data": ("The numbers in the chart", "图表中的数字", "圖表中的數字"),
    "period": ("Period", "时段", "時段"),
    "day": ("Day", "日", "日"),
    "week": ("Week", "周", "週"),
    "month": ("Month", "月", "月"),
    "year": ("Year", "年", "年"),
    "organisation": ("Organisation", "组织", "組織"),
    "cumulative": ("Running total", "累计", "累計"),
}
_STRINGS = {**_STRINGS, **INTAKE_STRINGS}
_COLUMN = {language: n for n, language in enumerate(LANGUAGES)}


def translate(key: str, language: str) -> str:
    """The interface string ``key`` in ``language`` (English for an unknown language)."""
    return _STRINGS[key][_COLUMN.get(language, 0)]


def choose_language(asked: str | None, cookie: str | None, accept: str) -> str:
    """The language to answer in: ``?lang=``, then the cookie, then Accept-Language."""
    for given in (asked, cookie):
        if given in LANGUAGES:
            return given
    for part in accept.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag in {"zh-tw", "zh-hk", "zh-mo", "zh-hant"} or tag.startswith("zh-hant"):
            return "zh-Hant"
        if tag.startswith("zh"):
            return "zh-Hans"
        if tag.startswith("en"):
            return "en"
    return "en"
