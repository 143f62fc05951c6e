"""China's 56 nationalities (民族) with their GB/T 3304 codes, as ID cards name them.

The ID-card reader's chip gives a code (kiosk.devices.idcard.protocol turns it into the
name); OCR of the card's face reads the name (kiosk.ocr.extract matches it against
:data:`NATION_NAMES`). Standard library only: device protocols import it.
"""

from __future__ import annotations

# In code order: 01 汉 ... 56 基诺.
_NAMES = """
汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲
高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌
普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺
"""
NATION_NAMES: tuple[str, ...] = tuple(_NAMES.split())
# Code -> name, with the two codes beyond the 56 that a card may carry.
NATIONS_BY_CODE: dict[int, str] = dict(enumerate(NATION_NAMES, start=1)) | {
    97: "其他",
    98: "外国血统中国籍人士",
}
