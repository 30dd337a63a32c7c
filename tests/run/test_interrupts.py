"""Ctrl-C during a Dask run: one arriving inside a GC callback (the scheduler's, in this
process) is delivered again outside it instead of being swallowed by the interpreter."""

import gc
import os
import signal
import sys
import time

import pytest

from scalingtool.work.interrupts import RETRY_SECONDS, in_gc_callback, interrupts_outside_gc

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signals")


@pytest.fixture(autouse=True)
def _python_default_sigint():
    """Each test starts from Python's own Ctrl-C handling, whatever ran before it in the session
    (another test or library may have set a handler, or blocked SIGINT), and leaves it as found."""
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    mask = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        signal.signal(signal.SIGINT, handler)


def _with_callback(callback):
    gc.callbacks.append(callback)
    try:
        gc.collect()
    finally:
        gc.callbacks.remove(callback)


def _interrupting_callback():
    """A GC callback that sends this process Ctrl-C once and waits inside the callback, where
    Python runs the signal handler; ``fired`` records that it did."""
    fired = []

    def callback(phase, info):
        if phase == "start" and not fired:
            fired.append(True)
            os.kill(os.getpid(), signal.SIGINT)
            deadline = time.monotonic() + 0.2
            while time.monotonic() < deadline:  # the handler runs here, inside the callback
                pass

    return fired, callback


def test_a_frame_inside_a_gc_callback_is_recognised():
    seen = []

    def callback(phase, info):
        seen.append(in_gc_callback(sys._getframe()))

    _with_callback(callback)
    assert seen and all(seen)  # "start" and "stop" of the collection
    assert not in_gc_callback(sys._getframe())


def test_ctrl_c_inside_a_gc_callback_is_not_lost():
    fired, callback = _interrupting_callback()

    with pytest.raises(KeyboardInterrupt):
        with interrupts_outside_gc():
            _with_callback(callback)
            # without the handler the interrupt was swallowed above; with it, it comes back here
            time.sleep(20 * RETRY_SECONDS)
            time.sleep(1.0)
    assert fired
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_inside_a_finalizer_is_not_lost():
    class Interrupting:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)
            deadline = time.monotonic() + 0.2
            while time.monotonic() < deadline:  # the handler runs here, inside __del__
                pass

    with pytest.raises(KeyboardInterrupt):
        with interrupts_outside_gc():
            thing = Interrupting()
            del thing  # the finalizer runs now; the interrupt comes back below
            time.sleep(1.0)


def test_without_the_handler_the_interpreter_swallows_it(monkeypatch):
    """Why the handler exists: the same Ctrl-C, with Python's default handler, is printed as
    'Exception ignored' and never reaches the code that runs after the collection."""
    fired, callback = _interrupting_callback()

    swallowed = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: swallowed.append(unraisable.exc_type))
    _with_callback(callback)  # no KeyboardInterrupt escapes
    assert swallowed == [KeyboardInterrupt]
