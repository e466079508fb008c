"""SharedFileCache: Django's file cache, shared by the workers of one server, with
atomic counters and a bounded cost per write."""

import time
from unittest import mock

import pytest

from beautique.cache import SharedFileCache


def test_a_counter_keeps_its_expiry(tmp_path):
    """Django's file cache re-set the key with the default timeout on every incr."""
    cache = SharedFileCache(str(tmp_path), {"TIMEOUT": 3600})
    start = time.time()
    assert cache.add("failures", 1, timeout=60)
    assert not cache.add("failures", 1, timeout=60)

    with mock.patch("time.time", return_value=start + 30):
        assert cache.incr("failures") == 2
    with mock.patch("time.time", return_value=start + 61):
        assert cache.get("failures") is None


def test_writes_list_the_folder_at_most_once_a_second(tmp_path):
    cache = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 3}})
    with mock.patch.object(
        SharedFileCache, "_list_cache_files", autospec=True, side_effect=lambda self: []
    ) as listing:
        for n in range(50):
            cache.set(f"key-{n}", n)

    assert listing.call_count == 1


def test_it_still_culls_once_past_its_size(tmp_path):
    cache = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})
    cache.CULL_EVERY_SECONDS = 0
    for n in range(30):
        cache.set(f"key-{n}", n)

    assert len(cache._list_cache_files()) <= 11


def test_a_write_replaces_the_entry_whole_and_leaves_no_temporary_file(tmp_path):
    folder = tmp_path / "cache"
    cache = SharedFileCache(str(folder), {"TIMEOUT": 60})
    folder.rmdir()  # A folder removed meanwhile is made again by the next write.

    cache.set("throttle", [1.0, 2.0])
    cache.set("throttle", [3.0], timeout=10)

    assert cache.get("throttle") == [3.0]
    assert [path.suffix for path in folder.iterdir()] == [".djcache"]


def test_a_failed_write_keeps_the_old_value_and_leaves_no_temporary_file(tmp_path):
    folder = tmp_path / "cache"
    cache = SharedFileCache(str(folder), {"TIMEOUT": 60})
    cache.set("throttle", [1.0])

    failing = mock.patch("pickle.dumps", side_effect=[b"", RuntimeError("disk full")])
    with failing, pytest.raises(RuntimeError):
        cache.set("throttle", [2.0])

    assert cache.get("throttle") == [1.0]
    assert [path.suffix for path in folder.iterdir()] == [".djcache"]
