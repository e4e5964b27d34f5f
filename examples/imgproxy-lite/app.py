"""imgproxy-lite: a tiny image service, the example app nixship builds into an image.

GET /healthz            -> "ok"
GET /resize?w=64&h=32   -> a PNG of that size drawn with Pillow (w, h in 1..2048; h defaults to w)

python3 app.py --serve [--port N]   serves with waitress on 0.0.0.0 ($PORT, default 8080)
"""
import argparse
import io
import os
import sys

from flask import Flask, Response, request
from PIL import Image, ImageDraw

MAX_SIDE = 2048

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return Response("ok\n", mimetype="text/plain")


def _side(name, default):
    raw = request.args.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= MAX_SIDE else None


@app.get("/resize")
def resize():
    width = _side("w", "64")
    height = _side("h", str(width) if width else "64")
    if width is None or height is None:
        return Response(f"w and h must be integers in 1..{MAX_SIDE}\n", status=400, mimetype="text/plain")
    image = Image.new("RGB", (width, height), (32, 96, 160))
    ImageDraw.Draw(image).rectangle((0, 0, width // 2, height // 2), fill=(240, 200, 40))
    body = io.BytesIO()
    image.save(body, "PNG")
    return Response(body.getvalue(), mimetype="image/png")


def main(argv):
    parser = argparse.ArgumentParser(prog="app.py", description="imgproxy-lite")
    parser.add_argument("--serve", action="store_true", help="serve HTTP with waitress")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    args = parser.parse_args(argv)
    if not args.serve:
        parser.print_help()
        return 0
    from waitress import serve

    print(f"imgproxy-lite listening on 0.0.0.0:{args.port}", flush=True)
    serve(app, host="0.0.0.0", port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
