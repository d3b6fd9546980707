"""Official titles and organs, in Chinese and English: the words a tagger does not know are
titles (书记 and 局长 come out of jieba as plain nouns)."""

from __future__ import annotations

__all__ = [
    "ORGANS_ZH",
    "ORGAN_SUFFIXES",
    "STOP_VERBS_ZH",
    "SURNAMES_ZH",
    "TITLES_EN",
    "TITLES_ZH",
]


def _words(text: str) -> list[str]:
    return text.split()


TITLES_ZH = frozenset(
    _words(
        """
        书记 副书记 党委书记 总书记 局长 副局长 处长 副处长 科长 副科长
        主任 副主任 部长 副部长 厅长 副厅长 署长 副署长 司长 副司长 关长
        处长 队长 大队长 中队长 所长 副所长 院长 副院长 检察长
        副检察长 秘书长 副秘书长 主席 副主席 总理 副总理 国务委员 委员
        常委 政委 政治委员 行政长官 政务司司长 财政司司长 律政司司长
        警务处处长 警务处副处长 保安局局长 入境事务处处长 惩教署署长
        海关关长 廉政专员 审计署署长 庭长 审判长 法官 总监 总警司
        高级警司 警司 总督察 督察 发言人 社长 董事长 总经理 市长 副市长
        省长 副省长 区长 副区长 县长 副县长 镇长 乡长 组长 副组长
        主任委员 特首 大使 领事 总领事 总干事 校长 会长 理事长 指挥官
        司令员
        """
    )
)
"""Titles of office, in simplified characters (texts are folded before they are read)."""

ORGANS_ZH = frozenset(
    _words(
        """
        国务院 国务院港澳事务办公室 港澳办
        中央人民政府驻香港特别行政区联络办公室 中联办 国家安全委员会
        国家安全部 公安部 外交部 公安局 公安厅 派出所 检察院
        人民检察院 最高人民检察院 人民法院 最高人民法院 中级人民法院
        高级人民法院 纪律检查委员会 中央纪律检查委员会 中央政法委员会 政法委
        统战部 中央统战部 国家监察委员会 监察委员会 保安局 警务处
        入境事务处 惩教署 海关 廉政公署 律政司 政务司 财政司 立法会
        行政会议 国家安全处 国安处 香港警务处 维护国家安全委员会
        驻港国家安全公署 市政府 人民政府
        """
    )
)
"""Organs of state and party, in simplified characters."""

ORGAN_SUFFIXES = (
    "委员会", "办公室", "检察院", "法院", "政府", "公署", "联络办", "局", "厅", "部", "处",
    "科", "署", "司", "院", "所", "队", "办", "委", "会", "组", "中心",
)  # fmt: skip
"""Endings of an organ's name: 行动科, 市公安局, 国家安全委员会."""

STOP_VERBS_ZH = frozenset(
    _words(
        """
        会见 会晤 表示 出席 指出 宣布 任命 接见 强调 主持 视察 召开 称
        说 批准 免去 担任 出任
        """
    )
)
"""Verbs jieba tags as nouns (会见 n) that end an organ's or a title's phrase."""

SURNAMES_ZH = frozenset(
    _words(
        """
        王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 罗 郑 梁 谢 宋 唐 许 萧 韩 冯
        邓 曹 彭 曾 肖 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆
        汪 范 廖 贾 夏 韦 付 邹 孟 熊 秦 邱 尹 薛 闫 段 雷 侯 陶 黎 贺 顾 毛 郝 龚 邵 钱 覃
        戴 莫 孔 汤 温 康 施 牛 樊 葛 邢 乔 伍 庞 颜 倪 庄 聂 岳 翟 殷 詹 欧 耿 焦 俞 柳 祝
        符 舒 阮 柯 纪 梅 童 凌 毕 季 裴 霍 涂 苗 谷 盛 翁 冉 骆 蓝 辛 靳 柴 蒙 鲍 华 喻 祁
        蒲 房 滕 屈 饶 牟 艾 尤 穆 卓 缪 芦 麦 褚 娄 窦 戚 岑 晏 柏 瞿 桂 佟 臧 闵 苟 邬 卞
        栾 隋 刁 甄 虞 敖 巩 佘 邝 胥 鄢 谌 奚 粟 冼 蔺 楼 仝 郜 阚 朴 练 廉 漆 卿 晋 芮 阙
        浦 戈 伏 鹿 薄 邸 雍 辜 裘 亓 邰 赫 杭 茹 诸 慕 嵇 茅 尉 檀 幸 高 金 石 田 江 龙 白
        方 史 严 武 区 关 包 章 鲁 齐 向 易
        欧阳 司马 上官 诸葛 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 端木
        """
    )
)
"""Common Chinese surnames, in simplified characters: a word the tagger does not know that
starts with one of them and is two or three characters long is read as a person's name."""

TITLES_EN = (
    "Chief Executive", "Chief Secretary for Administration", "Financial Secretary",
    "Secretary for Justice", "Party Secretary", "Secretary", "Commissioner", "Director",
    "Minister", "Chairman", "Chairwoman", "Chairperson", "Chair", "President", "Governor",
    "Mayor", "Head", "Superintendent", "Inspector", "Commander", "Prosecutor", "Judge",
    "Ambassador", "Consul", "Spokesperson", "Spokesman", "Controller", "Registrar",
    "Auditor", "Attorney", "Procurator", "Chief", "Officer", "Magistrate",
)  # fmt: skip
"""Heads of English titles of office; "of ..." or "for ..." may follow."""
