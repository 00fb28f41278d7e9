"""On the real server, a slider of one Convolution section reruns that section alone.

Spoken in Streamlit's own websocket protocol (what the browser sends): the first run of the
page draws every section; a widget change sent with its section's fragment id gets back only
that section's figures, so stepping through a convolution does not redraw the whole page.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.browser

LAB = "lab=fragmentTestStudent01"  # a workspace folder made below: a code the server knows


async def _run(socket, page: str, fragment: str = "", states=()) -> dict:
    """One (fragment) run: the charts, the fragment of each widget and the elements per fragment."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    request = BackMsg()
    request.rerun_script.query_string, request.rerun_script.page_name = LAB, page
    request.rerun_script.fragment_id = fragment
    request.rerun_script.widget_states.widgets.extend(states)
    await socket.send(request.SerializeToString())
    seen = {"charts": [], "widgets": {}, "fragments": set()}
    while True:
        message = ForwardMsg()
        message.ParseFromString(await asyncio.wait_for(socket.recv(), 60))
        if message.WhichOneof("type") == "script_finished":
            return seen
        if message.WhichOneof("type") == "delta" and message.delta.HasField("new_element"):
            element = message.delta.new_element
            kind = element.WhichOneof("type")
            seen["fragments"].add(message.delta.fragment_id)
            if kind == "plotly_chart":
                seen["charts"].append(element.plotly_chart.spec)
            elif getattr(getattr(element, kind), "id", ""):
                seen["widgets"][getattr(element, kind).id] = message.delta.fragment_id


async def _stride_change(url: str) -> tuple[dict, dict]:
    import websockets
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    async with websockets.connect(url.replace("http", "ws") + "/_stcore/stream",
                                  subprotocols=["streamlit"], origin=url, max_size=None) as socket:
        await _run(socket, "")
        full = await _run(socket, "convolution")
        stride = next(w for w in full["widgets"] if w.endswith("-conv_stride"))
        change = WidgetState(id=stride)
        change.double_array_value.data.append(2)
        return full, await _run(socket, "convolution", full["widgets"][stride], [change])


def test_a_step_by_step_slider_reruns_only_its_section(server):
    (server["runs_dir"] / LAB.removeprefix("lab=")).mkdir(exist_ok=True)
    with ThreadPoolExecutor(1) as pool:  # its own event loop: Playwright's sync API runs one here
        full, section = pool.submit(asyncio.run, _stride_change(server["url"])).result(120)
    assert len(full["fragments"] - {""}) == 3  # the three sections
    assert len(section["fragments"]) == 1 and section["fragments"] <= full["fragments"]
    assert 0 < len(section["charts"]) < len(full["charts"])
    assert not any("Test digit" in spec for spec in section["charts"])  # section 2 not redrawn
