from PySide6.QtCore import QPoint


def test_dump(qtbot, window) -> None:  # noqa: ANN001
    w = window
    def dump(tag):
        qtbot.wait(30)
        scroll = w.splitter.widget(1)
        print(tag, "legend top", w.legend.mapTo(w, QPoint(0, 0)).y(), "win", w.size(), "splitter", w.splitter.sizes(),
              "vsplit", w.vsplitter.sizes(), "viewport", scroll.viewport().size(), "content", scroll.widget().size(),
              "sel", w.panel.selection.size(), "probe", w.panel.probe.size())
    dump("start")
    w.state.selected = 5
    dump("sel")
    w.controller.set_free_roam(True)
    dump("roam")
