"""Home: browsing by department and searching by Chinese, pinyin and pinyin initials."""

from __future__ import annotations

from PySide6.QtCore import Qt


def _shown_codes(home) -> list[str]:
    cards = [home.list.itemAt(i).widget() for i in range(home.list.count())]
    return [c.code for c in cards if c is not None and not c.isHidden()]


def _type_on_keypad(qtbot, home, letters: str) -> None:
    for ch in letters:
        qtbot.mouseClick(home.keypad.keys[ch], Qt.MouseButton.LeftButton)


def test_pinyin_initials_typed_on_the_keypad_find_the_fund_services(make_ui, qtbot):
    ui = make_ui()
    ui.start_session()
    home = ui.window.screens["home"]
    assert not home.keypad.isVisible()
    qtbot.mouseClick(home.search, Qt.MouseButton.LeftButton)  # tapping the field opens it
    assert home.keypad.isVisible()
    _type_on_keypad(qtbot, home, "gjj")
    assert home.search.text() == "gjj"
    assert _shown_codes(home) == ["hpf-withdrawal-purchase", "hpf-withdrawal-rent"]
    assert "gjj" in home.count.text() and "2" in home.count.text()
    qtbot.mouseClick(home.keypad.delete_key, Qt.MouseButton.LeftButton)
    assert home.search.text() == "gj"
    qtbot.mouseClick(home.keypad.clear_key, Qt.MouseButton.LeftButton)
    assert len(_shown_codes(home)) == 5  # the whole catalog again


def test_chinese_text_and_full_pinyin_search(make_ui, qtbot):
    ui = make_ui()
    ui.start_session()
    home = ui.window.screens["home"]
    home.search.insert("注销")  # what an input method commits (QTest cannot type Han)
    assert _shown_codes(home)[0] == "enterprise-deregistration"  # ranked first
    home.search.clear()
    qtbot.keyClicks(home.search, "qingshui")
    assert _shown_codes(home)[0] == "tax-clearance"
    home.search.clear()
    qtbot.keyClicks(home.search, "xyz")
    assert _shown_codes(home) == []
    assert "xyz" in home.count.text()


def test_departments_filter_and_a_card_opens_the_service_page(make_ui, qtbot):
    ui = make_ui()
    ui.start_session()
    home = ui.window.screens["home"]
    qtbot.mouseClick(home.department_buttons["tax"], Qt.MouseButton.LeftButton)
    assert _shown_codes(home)[0] == "tax-clearance"
    card = home.list.itemAt(0).widget()
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert ui.bridge.screen == "service"
    page = ui.window.screens["service"]
    assert page.title.text() == "清税证明开具"
    texts = [w.text() for w in page.findChildren(type(page.title)) if w.isVisible()]
    assert any("居民身份证" in t and "原件" in t for t in texts)
    assert any("清税证明" in t for t in texts)


def test_service_page_shows_locker_and_clerk_ways(make_ui, qtbot):
    ui = make_ui()
    ui.start_session()
    ui.open_service("enterprise-deregistration")
    page = ui.window.screens["service"]
    texts = " ".join(w.text() for w in page.findChildren(type(page.title)) if w.isVisible())
    assert "智能柜" in texts
    assert "视频连线" in texts
    assert "3 个工作日" in texts
    qtbot.mouseClick(page.ask, Qt.MouseButton.LeftButton)
    assert ui.bridge.screen == "call"
    assert "税务" not in ui.window.screens["call"].status.text()
    assert "市场监管" in ui.window.screens["call"].status.text()


def test_elderly_mode_reaches_every_card_of_a_long_list_the_ones_below_the_view_later(
    make_ui, qtbot
):
    # a tap on 长辈模式 restyles the cards on screen with the screen; the cards below come
    # back, in order and in the new look, on the next turns of the event loop
    from PySide6.QtWidgets import QApplication

    from kiosk.core.catalog import load_catalog

    catalog = load_catalog()
    ui = make_ui(catalog=catalog)
    ui.start_session()
    home = ui.window.screens["home"]
    QApplication.processEvents()
    codes = _shown_codes(home)
    assert len(codes) == len(catalog.services) > 20
    normal = {c.code: c.title.font().pixelSize() for c in home._cards.values()}
    ui.set_elderly(True)
    assert len(_shown_codes(home)) < len(codes)  # the tap answered before the long tail
    qtbot.waitUntil(lambda: _shown_codes(home) == codes, timeout=5000)
    for card in home._cards.values():
        card.ensurePolished()
        assert card.title.font().pixelSize() >= 1.4 * normal[card.code] - 1, card.code
    # a search while cards are still away lists exactly what it found
    ui.set_elderly(False)
    home.search.setText("gjj")
    found = [s.code for s in catalog.search("gjj")]
    assert _shown_codes(home) == found and len(found) < len(codes)
    QApplication.processEvents()
    assert _shown_codes(home) == found
