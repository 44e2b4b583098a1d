"""The training process leaves a core to the window only while the window draws."""

import threading

import torch

from latent3d.job.process import ThreadGovernor


def test_thread_governor_follows_the_busy_flag() -> None:
    before = torch.get_num_threads()
    busy = threading.Event()  # the same is_set() interface as multiprocessing.Event
    gov = ThreadGovernor(busy, idle_threads=2, busy_threads=1)
    try:
        gov.update()
        assert torch.get_num_threads() == 2
        busy.set()
        gov.update()
        assert torch.get_num_threads() == 1
        busy.clear()
        gov.update()
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
