"""The layers model: what shows the learned mapping itself, the decoder map and the user's own images."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from psygnal import SignalGroupDescriptor

from latent3d.state.model import Model
from latent3d.state.own_values import MAX_OWN_IMAGES, DecoderMapState, OwnImage

__all__ = ["LayersModel"]


@dataclass(eq=False)
class LayersModel(Model):
    """The decoder map (None when off) and the own images placed in the cloud (at most MAX_OWN_IMAGES, oldest first)."""

    events: ClassVar[SignalGroupDescriptor] = SignalGroupDescriptor()

    decoder_map: DecoderMapState | None = None
    own_images: tuple[OwnImage, ...] = ()

    def __post_init__(self) -> None:
        self._last_map = DecoderMapState()  # what M shows again after hiding the map
        super().__post_init__()

    def _check_decoder_map(self, m: DecoderMapState | None) -> DecoderMapState | None:
        return None if m is None else m.checked()

    def _check_own_images(self, images: Sequence[OwnImage]) -> tuple[OwnImage, ...]:
        imgs = tuple(images)
        if len(imgs) > MAX_OWN_IMAGES or not all(isinstance(im, OwnImage) for im in imgs):
            raise ValueError(f"At most {MAX_OWN_IMAGES} own images can be shown; remove one first.")
        return imgs

    def toggle_decoder_map(self) -> None:
        """Show the decoder map (with its last settings) or hide it (the M key)."""
        if self.decoder_map is not None:
            self._last_map = self.decoder_map
        self.decoder_map = None if self.decoder_map is not None else self._last_map

    def add_own_image(self, image: OwnImage) -> None:
        """Place one more own image (ValueError when MAX_OWN_IMAGES are shown already)."""
        self.own_images = (*self.own_images, image)

    def set_own_trail(self, index: int, on: bool) -> None:
        """Draw (``on``) or hide the trail of the own image at ``index`` (an index outside the list is ignored)."""
        if 0 <= index < len(self.own_images):
            image = self.own_images[index]
            self.own_images = (*self.own_images[:index], replace(image, trail=bool(on)), *self.own_images[index + 1:])

    def remove_own_image(self, index: int) -> None:
        """Remove the own image at ``index`` in :attr:`own_images` (an index outside it is ignored)."""
        if 0 <= index < len(self.own_images):
            self.own_images = self.own_images[:index] + self.own_images[index + 1:]
