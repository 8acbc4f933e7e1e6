"""A one-shot run uses a Prefect server already running where `nianbao serve` starts one."""

from __future__ import annotations

from cli.prefect_server import PrefectServer, free_port, running_server


def test_a_running_prefect_server_is_found_and_a_free_port_is_not_one() -> None:
    port = free_port()
    assert running_server(port) is None
    server = PrefectServer(port)
    server.start()
    try:
        server.wait_ready()
        assert running_server(port) == server.api_url
    finally:
        server.stop()
    assert running_server(port) is None
