"""Ctrl-C around a Dask cluster: held while it starts, and never lost inside a GC callback.

Python runs a signal handler between two bytecodes of the main thread, wherever they are. A
``KeyboardInterrupt`` raised inside a garbage-collector callback (Dask's scheduler, which a local
cluster runs in this process, installs one) or inside a finalizer (``__del__``, e.g. of an
asyncio event loop Dask left behind, run by the collector) is swallowed by the interpreter,
which prints "Exception ignored in ..." with a traceback and goes on as if Ctrl-C had never been
pressed. :func:`interrupts_outside_gc` raises it where it can be caught instead.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
from types import FrameType
from typing import Any, Iterator

__all__ = ["interrupts_held", "interrupts_outside_gc", "RETRY_SECONDS"]

#: how long a Ctrl-C that arrived inside a GC callback waits before it is delivered again
RETRY_SECONDS = 0.02


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back while a cluster starts, and deliver it once it has.

    Processes started meanwhile (the fork server, the nannies, the workers) inherit the blocked
    signal, so a Ctrl-C at the terminal reaches this process alone: it stops the run and closes
    the cluster, instead of every child printing its own traceback. A Ctrl-C pressed during the
    start is pending, and raises ``KeyboardInterrupt`` here as soon as the start is done.
    """
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _callback_codes() -> set[Any]:
    """The code objects of the registered GC callbacks (functions or bound methods)."""
    codes = set()
    for callback in gc.callbacks:
        function = getattr(callback, "__func__", callback)
        code = getattr(function, "__code__", None)
        if code is not None:
            codes.add(code)
    return codes


#: whether a collection is under way (set by :func:`_track`, registered with the handler)
_collecting = False


def _track(phase: str, info: dict[str, Any]) -> None:
    global _collecting
    _collecting = phase == "start"


def in_gc_callback(frame: FrameType | None) -> bool:
    """Whether ``frame`` or a frame that called it runs a registered GC callback or a finalizer
    (``__del__``): places where an exception raised is swallowed."""
    codes = _callback_codes()
    while frame is not None:
        if frame.f_code in codes or frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


#: re-deliveries of a Ctrl-C that arrived where it would have been swallowed, not yet made
_pending: list[threading.Timer] = []


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    if _collecting or in_gc_callback(frame):  # raised here it would be swallowed: deliver it again shortly
        timer = threading.Timer(RETRY_SECONDS, _redeliver)
        timer.daemon = True  # never holds the interpreter's exit
        _pending.append(timer)
        timer.start()
        return
    _cancel_pending()
    raise KeyboardInterrupt


def _redeliver() -> None:
    """Send the Ctrl-C again, while this module's handler is still the one installed (never
    to a process that left the block or is shutting down)."""
    if signal.getsignal(signal.SIGINT) is _on_sigint and not sys.is_finalizing():
        os.kill(os.getpid(), signal.SIGINT)


def _cancel_pending() -> bool:
    """Cancel the re-deliveries not yet made; whether there were any."""
    waiting = False
    for timer in _pending:
        waiting |= timer.is_alive()
        timer.cancel()
    _pending.clear()
    return waiting


@contextlib.contextmanager
def interrupts_outside_gc() -> Iterator[None]:
    """Within the block, Ctrl-C raises ``KeyboardInterrupt`` as usual, except that one arriving
    during a collection or inside a finalizer is delivered again a moment later, outside it
    (module docstring), or on leaving the block if that comes first: never after it.
    Outside the main thread, or where SIGINT is not Python's default handler, nothing changes."""
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    signal.signal(signal.SIGINT, _on_sigint)
    gc.callbacks.append(_track)
    try:
        yield
    finally:
        gc.callbacks.remove(_track)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if _cancel_pending():  # a Ctrl-C still waiting to come back: it comes back here, in scope
            raise KeyboardInterrupt
