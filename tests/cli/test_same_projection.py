"""``solve --width N --seed S`` and ``simulate --width N`` (member seed S) draw the same ``A``
(same seed, width and number of features M)."""

from __future__ import annotations

import numpy as np

from scalingtool.spectral import projection as projection_module


def test_solve_and_simulate_draw_the_same_projection(cli, monkeypatch):
    drawn: dict[str, list[tuple[int, np.ndarray]]] = {"solve": [], "simulate": []}
    command = {"name": "solve"}
    real = projection_module.projection_blocks

    def spy(width, modes, seed):
        blocks = [block for _, block in real(width, modes, seed)]
        drawn[command["name"]].append((seed, np.concatenate(blocks).T))  # the whole A (N x M)
        for start, block in zip(range(0, modes, projection_module.COLUMN_BLOCK), blocks):
            yield start, block

    monkeypatch.setattr(projection_module, "projection_blocks", spy)
    solved = cli("solve", "-a", "2", "-b", "1/2", "--width", "8", "--seed", "1", "--t-max", "1e4", "-f", "json")
    assert solved.code == 0, solved.err
    command["name"] = "simulate"
    simulated = cli("simulate", "-a", "2", "-b", "1/2", "-g", "0", "--width", "8", "--seeds", "2",
                    "--steps", "20", "-f", "json")
    assert simulated.code == 0, simulated.err

    (seed_solve, a_solve), = drawn["solve"]
    by_seed = dict(drawn["simulate"])
    assert seed_solve == 1 and sorted(by_seed) == [0, 1]
    # at N = 8 both commands take M = 1024 features (solve: max(16 N, 1024); simulate: the
    # smallest M of its tail rule), so (seed, N, M) agree and so must A, entry for entry
    assert a_solve.shape == by_seed[1].shape == (8, 1024)
    np.testing.assert_array_equal(a_solve, by_seed[1])
    assert not np.allclose(by_seed[0], a_solve)
