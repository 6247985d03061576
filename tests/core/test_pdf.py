"""Printing a PDF never makes the server fetch anything: not a web address, not a file of its
own outside the site's static folders. Only data: addresses are read."""

from __future__ import annotations

import base64
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image
from pypdf import PdfReader

from residentvoice.core.pdf import render_pdf
from residentvoice.publication.report import report_pdf


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 90)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def listener():
    """A web server on this machine that records every request made to it."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(_png())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_annual_report_fetches_no_address_and_reads_no_file_of_the_server(listener, tmp_path):
    address, requests = listener
    private = tmp_path / "private.png"
    private.write_bytes(_png())
    html = f"""<!doctype html><html lang="en"><head><title>Annual report</title>
    <link rel="stylesheet" href="{address}/style.css">
    <style>body {{ background: url("{address}/background.png") }}</style></head>
    <body><h1>Annual report</h1>
    <img src="{address}/pixel.png" alt="A pixel">
    <img src="file://{private}" alt="A file of the server">
    <img src="private.png" alt="A relative address"></body></html>"""
    pdf = report_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert requests == []
    assert _images(pdf) == 0


def test_an_image_given_in_the_page_itself_is_printed():
    data = base64.b64encode(_png()).decode()
    html = f'<html><body><img src="data:image/png;base64,{data}" alt="Chart"></body></html>'
    assert _images(render_pdf(html)) == 1
