"""``extends = "BASE"``: a recipe stated as its differences from another, merged table by table."""

import pytest

from scalingtool.errors import UsageError
from scalingtool.run import builtin, parse_recipe
from scalingtool.run.recipe import MAX_EXTENDS, load_recipe, merge

BASE = ('name = "base"\ntitle = "Base"\nlayer = "theory"\nkind = "phase"\ndescription = "the base"\n'
        '[params]\nalpha = { min = "1.5", max = "3", steps = 4 }\nbeta = { min = "0.25", max = "3", steps = 6 }\n'
        'dynamics = "sgd"\n[quick]\nalpha = { min = "1.5", max = "3", steps = 3 }\n')


def test_merge_tables_key_by_key_and_replace_scalars_and_arrays():
    base = {"params": {"a": {"x": 1, "y": 2}, "list": [1, 2], "s": 1}, "quick": {"s": 2}}
    variant = {"params": {"a": {"y": 3}, "list": [3]}, "quick": {"t": 4}}
    assert merge(base, variant) == {"params": {"a": {"x": 1, "y": 3}, "list": [3], "s": 1},
                                    "quick": {"s": 2, "t": 4}}
    assert base["params"]["a"] == {"x": 1, "y": 2}  # the base is not changed


def test_a_variant_beside_its_base(tmp_path):
    (tmp_path / "base.toml").write_text(BASE)
    (tmp_path / "v.toml").write_text('name = "v"\ntitle = "V"\nextends = "base"\n[params]\n'
                                     'alpha = { steps = 5 }\n[quick]\ndynamics = "gd"\n')
    recipe = load_recipe(tmp_path / "v.toml")
    assert (recipe.name, recipe.title, recipe.description, recipe.extends) == ("v", "V", "", "base")
    assert recipe.params == {"alpha": {"min": "1.5", "max": "3", "steps": 5},
                             "beta": {"min": "0.25", "max": "3", "steps": 6}, "dynamics": "sgd"}
    assert recipe.quick == {"alpha": {"min": "1.5", "max": "3", "steps": 3}, "dynamics": "gd"}


def test_a_variant_of_a_built_in_and_the_built_in_variants():
    recipe = parse_recipe('name = "mine"\ntitle = "Mine"\nextends = "phase"\n[params]\ndynamics = "gd"\n')
    assert recipe.kind == "phase" and recipe.params["dynamics"] == "gd" and recipe.quick
    variants = [n for n in builtin.names() if n.startswith("mlp-study-")]
    assert len(variants) == 11
    for name in variants:  # each states only its differences (a chain through mlp-study-deep at most)
        recipe = parse_recipe(*builtin.resolve(name))
        assert recipe.extends in ("mlp-study", "mlp-study-deep") and recipe.kind == "mlp-study"


@pytest.mark.parametrize(("files", "fragment"), [
    ({"v": 'extends = "nosuch"'}, "key 'extends': no recipe 'nosuch'"),
    ({"v": 'extends = "../base"'}, "key 'extends': expected the name of a recipe"),
    ({"v": 'extends = 3'}, "key 'extends': expected the name of a recipe"),
    ({"v": 'extends = "v"'}, "key 'extends': a cycle"),
    ({"v": 'extends = "w"', "w": 'extends = "v"'}, "a cycle (v.toml -> w.toml -> v.toml)"),
])
def test_a_missing_base_or_a_cycle_is_one_clear_line(tmp_path, files, fragment):
    for name, line in files.items():
        (tmp_path / f"{name}.toml").write_text(f'name = "{name}"\ntitle = "T"\n{line}\n')
    with pytest.raises(UsageError) as exc:
        load_recipe(tmp_path / "v.toml")
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_the_chain_is_bounded(tmp_path):
    (tmp_path / "r0.toml").write_text(BASE.replace('name = "base"', 'name = "r0"'))
    for i in range(1, MAX_EXTENDS + 1):
        (tmp_path / f"r{i}.toml").write_text(f'name = "r{i}"\ntitle = "T"\nextends = "r{i - 1}"\n')
    assert load_recipe(tmp_path / f"r{MAX_EXTENDS - 1}.toml").kind == "phase"  # MAX_EXTENDS recipes
    with pytest.raises(UsageError, match=f"a chain of more than {MAX_EXTENDS - 1} bases"):
        load_recipe(tmp_path / f"r{MAX_EXTENDS}.toml")


def test_the_merged_recipe_is_validated(tmp_path):
    (tmp_path / "v.toml").write_text('name = "v"\ntitle = "V"\nextends = "phase"\nlayer = "nosuch"\n')
    with pytest.raises(UsageError, match="key 'layer'"):
        load_recipe(tmp_path / "v.toml")
