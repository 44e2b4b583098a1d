"""The layers that show the learned mapping itself (decoder map, own images), made together for a presenter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from latent3d.analysis.encoder import OwnCodesCache
from latent3d.scene.core.cloud import LatentScene
from latent3d.scene.decoder_map.layer import DecoderMapLayer
from latent3d.scene.own_images.layer import OwnImagesLayer
from latent3d.state.viewer_model import ViewerModel

__all__ = ["LearnedLayers"]


@dataclass
class LearnedLayers:
    """The decoder map and the own images of one scene; :meth:`create` subscribes both to the models they show."""

    decoder_map: DecoderMapLayer
    own_images: OwnImagesLayer

    @classmethod
    def create(cls, model: ViewerModel, scene: LatentScene, request_render: Callable[[], None] = lambda: None,
               codes: OwnCodesCache | None = None, scale: float = 1.0) -> LearnedLayers:
        """Both layers on ``scene``, following the models of ``model`` (``codes`` shared with the own-image panel)."""
        return cls(DecoderMapLayer(model.time, model.camera, model.pick, model.layers, scene, request_render),
                   OwnImagesLayer(model.time, model.layers, scene, request_render, codes=codes, scale=scale))

    def close(self) -> None:
        """Disconnect both from their models and remove their actors."""
        self.decoder_map.close()
        self.own_images.close()
