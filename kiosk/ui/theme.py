"""The booth's look: one place for colours, type sizes, touch-target sizes and the stylesheet.

Two themes: the standard one (calm government blue on light grey, large cards) and the
elderly one (长辈模式): text at least 1.4 times larger, high-contrast colours, thicker
borders and touch targets at least 96 px tall. Widgets never hard-code a colour or a size;
they carry an object name or a ``role`` property that the stylesheet below styles.
"""

from __future__ import annotations

from dataclasses import dataclass

# Fonts per UI language. Noto Sans CJK is installed with fonts-noto-cjk; the regional
# variants pick the right glyph shapes (HK for Traditional Chinese as written in Hong Kong).
FONT_FAMILIES: dict[str, tuple[str, ...]] = {
    "zh_CN": ("Noto Sans CJK SC", "Droid Sans Fallback"),
    "zh_HK": ("Noto Sans CJK HK", "Noto Sans CJK TC", "Droid Sans Fallback"),
    "en": ("Noto Sans CJK SC", "DejaVu Sans"),
}


@dataclass(frozen=True, slots=True)
class Theme:
    """Colours and sizes of one look of the booth."""

    name: str
    text_scale: float
    # colours
    background: str
    surface: str
    surface_alt: str
    text: str
    muted_text: str
    primary: str
    primary_pressed: str
    on_primary: str
    accent: str  # the emblem red, used sparingly
    gold: str
    border: str
    border_width: int
    danger: str
    warning_bg: str
    warning_text: str
    success: str
    header_bg: str
    on_header: str
    # sizes in px (before text_scale for fonts; targets are absolute)
    base_font: int
    button_height: int
    key_size: int
    radius: int
    gap: int

    def font(self, px: int) -> int:
        """A font size in px scaled for this theme."""
        return round(px * self.text_scale)


STANDARD = Theme(
    name="standard",
    text_scale=1.0,
    background="#eef2f7",
    surface="#ffffff",
    surface_alt="#f6f8fb",
    text="#1b2430",
    muted_text="#5a6676",
    primary="#1f5fa8",
    primary_pressed="#174a85",
    on_primary="#ffffff",
    accent="#c8102e",
    gold="#e8b84a",
    border="#d5dde8",
    border_width=1,
    danger="#b3261e",
    warning_bg="#fff4d6",
    warning_text="#6b4e00",
    success="#1e7b45",
    header_bg="#143d73",
    on_header="#ffffff",
    base_font=26,
    button_height=72,
    key_size=80,
    radius=18,
    gap=20,
)

ELDERLY = Theme(
    name="elderly",
    text_scale=1.4,
    background="#ffffff",
    surface="#ffffff",
    surface_alt="#fffbe6",
    text="#000000",
    muted_text="#1a1a1a",
    primary="#0a3a82",
    primary_pressed="#06244f",
    on_primary="#ffffff",
    accent="#b00020",
    gold="#ffd23f",
    border="#000000",
    border_width=3,
    danger="#9b0000",
    warning_bg="#ffe066",
    warning_text="#000000",
    success="#0b5a2a",
    header_bg="#000000",
    on_header="#ffffff",
    base_font=26,
    button_height=96,
    key_size=96,
    radius=14,
    gap=22,
)


def theme_for(elderly: bool) -> Theme:
    return ELDERLY if elderly else STANDARD


def stylesheet(t: Theme) -> str:
    """The Qt stylesheet of the whole window for theme ``t``.

    The font family is not set here but as the application font, so that a language
    switch changes glyphs without restyling every widget.
    """
    f = t.font
    bw = t.border_width
    return f"""
    QWidget {{
        font-size: {f(t.base_font)}px;
        color: {t.text};
    }}
    #BoothWindow, QStackedWidget, QScrollArea, #ScrollBody {{
        background: {t.background};
    }}
    #Header {{ background: {t.header_bg}; }}
    #Header QLabel {{ color: {t.on_header}; }}
    #HeaderTitle {{ font-size: {f(34)}px; font-weight: 700; }}
    #HeaderSubtitle {{ font-size: {f(20)}px; }}
    #HeaderClock {{ font-size: {f(28)}px; font-weight: 600; }}
    #OfflineBanner {{
        background: {t.warning_bg}; color: {t.warning_text};
        font-size: {f(24)}px; font-weight: 600; padding: 12px 24px;
        border-bottom: {max(bw, 2)}px solid {t.warning_text};
    }}
    #Footer {{ background: {t.surface}; border-top: {max(bw, 1)}px solid {t.border}; }}
    #Captions {{
        background: {t.surface_alt}; color: {t.text}; font-size: {f(24)}px;
        border-radius: {t.radius}px; padding: 10px 18px;
        border: {bw}px solid {t.border};
    }}
    QLabel[role="title"] {{ font-size: {f(44)}px; font-weight: 700; color: {t.text}; }}
    QLabel[role="subtitle"] {{ font-size: {f(28)}px; color: {t.muted_text}; }}
    QLabel[role="section"] {{
        font-size: {f(30)}px; font-weight: 700; color: {t.primary};
        padding-top: 8px;
    }}
    QLabel[role="body"] {{ font-size: {f(26)}px; color: {t.text}; }}
    QLabel[role="muted"] {{ font-size: {f(22)}px; color: {t.muted_text}; }}
    QLabel[role="big"] {{ font-size: {f(96)}px; font-weight: 800; color: {t.primary}; }}
    QLabel[role="hero"] {{ font-size: {f(64)}px; font-weight: 800; color: {t.text}; }}
    QLabel[role="chip"] {{
        font-size: {f(20)}px; font-weight: 600; color: {t.primary};
        background: {t.surface_alt}; border: {bw}px solid {t.primary};
        border-radius: 12px; padding: 4px 14px;
    }}
    QLabel[role="live"] {{
        font-size: {f(24)}px; font-weight: 700; color: #ffffff; background: {t.danger};
        border-radius: 12px; padding: 4px 16px;
    }}
    QLabel[role="problem"] {{ font-size: {f(22)}px; color: {t.danger}; font-weight: 600; }}
    QFrame[role="card"] {{
        background: {t.surface}; border: {bw}px solid {t.border};
        border-radius: {t.radius}px;
    }}
    QFrame[role="video"] {{
        background: #0f1b2b; border-radius: {t.radius}px;
    }}
    QFrame[role="video"] QLabel {{ color: #dfe7f2; }}
    QPushButton {{
        min-height: {t.button_height}px; padding: 0 28px;
        font-size: {f(28)}px; font-weight: 600;
        background: {t.surface}; color: {t.primary};
        border: {max(bw, 2)}px solid {t.primary}; border-radius: {t.radius}px;
    }}
    QPushButton:pressed {{ background: {t.surface_alt}; }}
    QPushButton:disabled {{
        background: {t.surface_alt}; color: {t.muted_text}; border-color: {t.border};
    }}
    QPushButton:checked {{ background: {t.primary}; color: {t.on_primary}; }}
    QPushButton[role="primary"] {{
        background: {t.primary}; color: {t.on_primary}; border-color: {t.primary};
    }}
    QPushButton[role="primary"]:pressed {{ background: {t.primary_pressed}; }}
    QPushButton[role="clerk"] {{
        background: {t.accent}; color: #ffffff; border-color: {t.accent};
        font-size: {f(30)}px; font-weight: 700;
    }}
    QPushButton[role="card"] {{
        text-align: left; padding: 18px 26px;
        background: {t.surface}; color: {t.text};
        border: {bw}px solid {t.border}; border-radius: {t.radius}px;
        font-size: {f(28)}px; font-weight: 600;
    }}
    QPushButton[role="card"]:checked {{
        border: {max(bw, 3)}px solid {t.primary}; background: {t.surface_alt};
        color: {t.primary};
    }}
    QPushButton[role="key"] {{
        min-height: {t.key_size}px; min-width: 64px; padding: 0;
        font-size: {f(30)}px; color: {t.text}; border: {bw}px solid {t.border};
        background: {t.surface};
    }}
    QPushButton[role="key"][wide="true"] {{ min-width: {f(120)}px; font-size: {f(26)}px; }}
    QPushButton[role="lang"] {{
        min-height: {t.button_height}px; padding: 0 22px; font-size: {f(26)}px;
        color: {t.on_header}; background: transparent; border: 2px solid {t.on_header};
    }}
    QPushButton[role="lang"]:checked {{ background: {t.on_header}; color: {t.header_bg}; }}
    QPushButton[role="rating_compact"] {{
        min-height: {t.button_height + 48}px; font-size: {f(26)}px; padding: 0 12px;
    }}
    QPushButton[role="rating"] {{
        min-height: {t.button_height + 24}px; font-size: {f(32)}px;
        text-align: left; padding: 0 36px;
    }}
    QLineEdit {{
        min-height: {t.button_height}px; font-size: {f(32)}px; padding: 0 22px;
        border: {max(bw, 2)}px solid {t.primary}; border-radius: {t.radius}px;
        background: {t.surface};
    }}
    #IdleOverlay {{ background: rgba(10, 20, 35, 170); }}
    #IdleOverlay QFrame[role="card"] {{ border: {max(bw, 2)}px solid {t.border}; }}
    QScrollBar:vertical {{ width: 14px; background: transparent; }}
    QScrollBar::handle:vertical {{ background: {t.border}; border-radius: 7px; min-height: 60px; }}
    QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; border: none; }}
    QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: transparent; }}
    """
