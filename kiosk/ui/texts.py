"""Translated texts that several screens share, keyed by a code.

Error messages are keyed by the ``code`` of :mod:`kiosk.core.errors` (and the hub's
machine-readable codes); an unknown code falls back to the generic message, so a citizen
never sees a code or a traceback. Every string is a literal inside
``QCoreApplication.translate`` so that ``pyside6-lupdate`` finds it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def resumed_caption() -> str:
    """What a citizen reads when the booth restarted and picks her session up again."""
    return QCoreApplication.translate("Recovery", "我们回来了，从您刚才办理的地方继续。")


def error_message(code: str) -> tuple[str, str]:
    """(title, explanation) for an error code, in the current language."""
    messages = {
        "internal": (
            QCoreApplication.translate("Errors", "系统出了点问题"),
            QCoreApplication.translate(
                "Errors", "很抱歉，刚才的操作没有完成。您的资料没有丢失，请重试或联系人工服务。"
            ),
        ),
        "config": (
            QCoreApplication.translate("Errors", "设备设置有误"),
            QCoreApplication.translate("Errors", "本机暂时无法办理业务，请联系工作人员。"),
        ),
        "catalog": (
            QCoreApplication.translate("Errors", "事项目录暂不可用"),
            QCoreApplication.translate("Errors", "办事指南正在更新，请稍后再试或联系人工服务。"),
        ),
        "device": (
            QCoreApplication.translate("Errors", "设备暂时故障"),
            QCoreApplication.translate(
                "Errors", "有一台设备没有响应，请联系人工服务，工作人员会协助您。"
            ),
        ),
        "device_timeout": (
            QCoreApplication.translate("Errors", "设备没有响应"),
            QCoreApplication.translate("Errors", "设备响应超时，请稍后重试或联系人工服务。"),
        ),
        "device_protocol": (
            QCoreApplication.translate("Errors", "设备通信异常"),
            QCoreApplication.translate("Errors", "设备返回了无法识别的数据，请联系人工服务。"),
        ),
        "hub_unavailable": (
            QCoreApplication.translate("Errors", "网络暂时中断"),
            QCoreApplication.translate("Errors", "已保存您的办理内容，网络恢复后将自动提交。"),
        ),
        "hub_rejected": (
            QCoreApplication.translate("Errors", "申请未被受理"),
            QCoreApplication.translate(
                "Errors", "服务中心未能受理这次申请，请联系人工服务了解原因。"
            ),
        ),
        "capture_rejected": (
            QCoreApplication.translate("Errors", "照片不够清晰"),
            QCoreApplication.translate(
                "Errors", "请将材料平放在拍摄区内，避免反光，保持不动后重新拍摄。"
            ),
        ),
        "storage": (
            QCoreApplication.translate("Errors", "本机存储异常"),
            QCoreApplication.translate(
                "Errors", "本机暂时无法保存办理内容，请联系人工服务，工作人员会协助您。"
            ),
        ),
        "session": (
            QCoreApplication.translate("Errors", "办理已结束"),
            QCoreApplication.translate("Errors", "本次办理已经结束，请从首页重新开始。"),
        ),
        "session_wiped": (
            QCoreApplication.translate("Errors", "办理已结束"),
            QCoreApplication.translate(
                "Errors", "为保护您的隐私，本次办理的资料已清除，请重新开始。"
            ),
        ),
    }
    aliases = {
        "hub_silent": "hub_unavailable",
        "outbox_corrupt": "storage",
        "outbox_disk_full": "storage",
        "outbox": "storage",
        "key_store": "storage",
    }
    code = aliases.get(code, code)
    return messages.get(code, messages["internal"])


KNOWN_ERROR_CODES = (
    "internal", "config", "catalog", "device", "device_timeout", "device_protocol",
    "hub_unavailable", "hub_silent", "hub_rejected", "capture_rejected", "session",
    "session_wiped", "storage", "outbox", "outbox_corrupt", "outbox_disk_full", "key_store",
)  # fmt: skip


def problem_message(code: str) -> str:
    """What is wrong with a field value (flagged to the citizen, not blocking)."""
    problems = {
        "id_check_digit": QCoreApplication.translate("Problems", "身份证号码校验位不符，请核对"),
        "id_birth_date": QCoreApplication.translate("Problems", "身份证号码中的出生日期无效"),
        "uscc_check": QCoreApplication.translate(
            "Problems", "统一社会信用代码校验不符，工作人员将核对"
        ),
        "amount": QCoreApplication.translate("Problems", "金额格式不正确"),
        "required": QCoreApplication.translate("Problems", "此项必须填写"),
        "unreadable": QCoreApplication.translate("Problems", "未能识别，请核对或手动修改"),
    }
    return problems.get(code, QCoreApplication.translate("Problems", "请核对此项"))


def mode_text(mode: str) -> str:
    """How a service is done: self-service, with a clerk, or both."""
    modes = {
        "self": QCoreApplication.translate("Modes", "自助办理"),
        "clerk": QCoreApplication.translate("Modes", "视频连线人工办理"),
        "mixed": QCoreApplication.translate("Modes", "自助 + 人工协助"),
    }
    return modes.get(mode, mode)


def step_text(kind: str) -> str:
    """The generic name of a workflow step kind (when the catalog gives none)."""
    steps = {
        "identify": QCoreApplication.translate("Steps", "身份核验"),
        "questions": QCoreApplication.translate("Steps", "回答几个问题"),
        "capture": QCoreApplication.translate("Steps", "高拍仪拍摄材料"),
        "form": QCoreApplication.translate("Steps", "填写申请表"),
        "review": QCoreApplication.translate("Steps", "工作人员审核"),
        "locker": QCoreApplication.translate("Steps", "原件投递至智能柜"),
        "certificate": QCoreApplication.translate("Steps", "证照发送至手机"),
        "rating": QCoreApplication.translate("Steps", "评价服务"),
        "consult": QCoreApplication.translate("Steps", "咨询工作人员"),
    }
    return steps.get(kind, kind)


def rating_levels() -> list[tuple[int, str]]:
    """The five 好差评 levels of GB/T 39734-2020, best first."""
    return [
        (5, QCoreApplication.translate("Rating", "非常满意")),
        (4, QCoreApplication.translate("Rating", "满意")),
        (3, QCoreApplication.translate("Rating", "基本满意")),
        (2, QCoreApplication.translate("Rating", "不满意")),
        (1, QCoreApplication.translate("Rating", "非常不满意")),
    ]
