"""Groups of test images: box and lasso selection, the group panel, its curve on the loss plot, highlight and trails."""

from __future__ import annotations

from typing import TYPE_CHECKING

from latent3d.qt.features import Feature, Panel, Parts

if TYPE_CHECKING:
    from latent3d.qt.features import Services
    from latent3d.state.viewer_model import ViewerModel

__all__ = ["FEATURE"]

PANEL_TIP = "The group shown: B box, L lasso, I isolate, K trails"


def build(model: ViewerModel, services: Services) -> Parts:
    """The group in the scene (dimmed rest or isolated, trails), the panel (a side tab), the curve, the tools."""
    from latent3d.qt.groups.curve import GroupCurve
    from latent3d.qt.groups.panel import GroupPanel
    from latent3d.qt.groups.tools import GroupToolbar, SelectionTool
    from latent3d.qt.widgets.while_shown import while_shown
    from latent3d.scene.groups.presenter import GroupPresenter

    groups, time = model.groups, model.time
    presenter = GroupPresenter(groups, time, model.display, model.compare, services.view.scene,
                               services.presenter.colours, services.view.request_render)
    panel = GroupPanel(groups, time, model.pick, lambda: services.images.pixels)  # the run shown's images
    panel_moves = while_shown(panel, (panel, (time, model.pick)))  # a hidden panel is not refreshed per move
    curve = GroupCurve(groups, time, services.loss)  # a curve layer of the loss plot
    tool = SelectionTool(groups, services.view)
    toolbar = GroupToolbar(groups, tool, services.window)
    # Every group action is in the Groups menu with its key; the toolbar keeps the frequent ones, so that the
    # toolbars fit 1280 px with nothing behind "»" ("points behind" is a rare refinement of box and lasso).
    menu = [toolbar.box_action, toolbar.lasso_action, toolbar.behind_action, toolbar.isolate_action,
            toolbar.trails_action]
    toolbar.removeAction(toolbar.behind_action)

    def on_shown(name: str | None) -> None:
        if name is not None:  # a new selection: its panel comes to the front of the side tabs
            services.show_panel(panel)

    model.groups.events.shown.connect(on_shown)

    def close() -> None:
        model.groups.events.shown.disconnect(on_shown)
        for part in (presenter, curve, tool):
            part.close()
        panel.close_panel()
        toolbar.close_toolbar()

    return Parts(panels=[Panel(panel, "right", "Group", order=50, tooltip=PANEL_TIP, group="inspect",
                                      scroll=True, shown=panel_moves.shown)],
                 toolbars=[toolbar], actions={"Groups": menu},
                 escape=toolbar.leave_mode, close=close,
                 handles={"presenter": presenter, "panel": panel, "curve": curve, "tool": tool, "toolbar": toolbar})


FEATURE = Feature("groups", build, frozenset({"labels"}))
