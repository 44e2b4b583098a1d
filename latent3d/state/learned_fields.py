"""The ViewerState fields that show the learned mapping itself: the decoder map and the user's own images."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from latent3d.state.own_values import MAX_OWN_IMAGES, DecoderMapState, OwnImage

__all__ = ["LearnedFields"]


class LearnedFields:
    """Mixed into :class:`~latent3d.state.viewer_state.ViewerState`: ``decoder_map`` and ``own_images``.

    Their events are ``events.decoder_map`` and ``events.own_images``, emitted on change only.
    """

    events: Any

    def __init__(self) -> None:
        self._decoder_map: DecoderMapState | None = None
        self._last_map = DecoderMapState()  # what M shows again after hiding the map
        self._own_images: tuple[OwnImage, ...] = ()

    @property
    def decoder_map(self) -> DecoderMapState | None:
        """The decoder map shown (plane, G, opacity), or None when it is off."""
        return self._decoder_map

    @decoder_map.setter
    def decoder_map(self, m: DecoderMapState | None) -> None:
        m = None if m is None else m.checked()
        if m != self._decoder_map:
            self._decoder_map = m
            self.events.decoder_map.emit(m)

    def toggle_decoder_map(self) -> None:
        """Show the decoder map (with its last settings) or hide it (the M key)."""
        if self._decoder_map is not None:
            self._last_map = self._decoder_map
        self.decoder_map = None if self._decoder_map is not None else self._last_map

    @property
    def own_images(self) -> tuple[OwnImage, ...]:
        """The user's own images placed in the cloud (at most MAX_OWN_IMAGES), oldest first."""
        return self._own_images

    @own_images.setter
    def own_images(self, images: Sequence[OwnImage]) -> None:
        imgs = tuple(images)
        if len(imgs) > MAX_OWN_IMAGES or not all(isinstance(im, OwnImage) for im in imgs):
            raise ValueError(f"At most {MAX_OWN_IMAGES} own images can be shown; remove one first.")
        if imgs != self._own_images:
            self._own_images = imgs
            self.events.own_images.emit(imgs)

    def add_own_image(self, image: OwnImage) -> None:
        """Place one more own image (ValueError when MAX_OWN_IMAGES are shown already)."""
        self.own_images = (*self._own_images, image)

    def remove_own_image(self, index: int) -> None:
        """Remove the own image at ``index`` in :attr:`own_images` (an index outside it is ignored)."""
        if 0 <= index < len(self._own_images):
            self.own_images = self._own_images[:index] + self._own_images[index + 1:]
