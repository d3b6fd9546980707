"""The intake pages' words, in the languages of :mod:`erfurt.web.i18n`."""

from __future__ import annotations

from collections.abc import Mapping

# key: (English, simplified, traditional)
INTAKE_STRINGS: Mapping[str, tuple[str, str, str]] = {
    "intake": ("Send us documents", "向我们提交文件", "向我們提交文件"),
    "intake_about": (
        "What you send is encrypted as it arrives and can be read only on a machine that is "
        "never online. We keep no address, browser or time of day. Use Tor Browser.",
        "您提交的内容在到达时即被加密，只能在从不联网的电脑上阅读。我们不保存地址、浏览器或具体时间。"
        "请使用 Tor 浏览器。",
        "您提交的內容在到達時即被加密，只能在從不連網的電腦上閱讀。我們不保存位址、瀏覽器或具體時間。"
        "請使用 Tor 瀏覽器。",
    ),
    "intake_message": ("Message", "留言", "留言"),
    "intake_files": ("Files", "文件", "檔案"),
    "intake_limit": (
        "Largest total size, in bytes:",
        "总大小上限（字节）：",
        "總大小上限（位元組）：",
    ),
    "intake_send": ("Send", "发送", "傳送"),
    "intake_received": ("Received", "已收到", "已收到"),
    "intake_keep_codename": (
        "Your codename is below. Learn it or keep it safe: it is the only way to read our "
        "replies or send more, and we cannot recover it.",
        "下面是您的代号。请记住或妥善保存：这是阅读回复或继续提交的唯一方式，我们无法找回。",
        "下面是您的代號。請記住或妥善保存：這是閱讀回覆或繼續提交的唯一方式，我們無法找回。",
    ),
    "intake_have_codename": ("I have a codename", "我已有代号", "我已有代號"),
    "intake_codename": ("Codename", "代号", "代號"),
    "intake_continue": ("Continue", "继续", "繼續"),
    "intake_replies": ("Replies", "回复", "回覆"),
    "intake_no_replies": ("No replies yet.", "暂无回复。", "暫無回覆。"),
    "intake_delete": ("Delete this reply", "删除此回复", "刪除此回覆"),
    "intake_deleted": ("The reply was deleted.", "回复已删除。", "回覆已刪除。"),
    "intake_send_more": ("Send more", "继续提交", "繼續提交"),
}
