#!/usr/bin/env python3
"""The display, input and ui APIs on the firmware, driven like a user would.

usage: test_display_e2e.py SCENARIO AKIRAOS EXAMPLES_DIR UI_APP_DIR GOLDEN_DIR

  launcher  the system screen shows at boot, starts an app from a button press, comes
            back when the app ends; `display snapshot` and GET /api/display.png agree
  game      the game example moved by `input play` and POST /api/input, its frame
            rate seen through /api/display/changes, its picture against app_game.png
  settings  the settings example driven by buttons only: logged changes, app_settings.png
  hostile   a million widgets, another app's handles, drawing outside the screen and a
            10,000 x 10,000 bitmap: refused or clipped, the device alive, widgets freed
  http      the display and input endpoints' answers to good and bad requests
"""
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402

SCENARIO, AKIRAOS, EXAMPLES, UI_APPS, GOLDEN = sys.argv[1:6]


def boot(tmp, apps):
    args = []
    for a in apps:
        args += ["--install", a]
    return ad.Device(AKIRAOS, flash=os.path.join(tmp, "flash.img"), args=args)


def example(name):
    return os.path.join(EXAMPLES, name + ".wasm")


def ui_app(name):
    return os.path.join(UI_APPS, name + ".wasm")


# The console helpers the display and compat tests share (tests/harness/akira_device.py).
snapshot, sync, settle, focus_is, logs = ad.snapshot, ad.sync, ad.settle, ad.focus_is, ad.app_logs


def pixel(png, x, y):
    _, _, rows = ad.png_decode(png)
    return tuple(rows[y][3 * x:3 * x + 3])


def lit_share(png):
    w, h, rows = ad.png_decode(png)
    lit = sum(1 for r in rows for i in range(0, len(r), 3) if r[i] + r[i + 1] + r[i + 2] > 60)
    return lit / float(w * h)


def t_launcher():
    with ad.tempdir() as tmp:
        d = boot(tmp, [example("game"), example("settings")])
        focus_is(d, "system screen")
        settle(d, 700)  # the launcher re-reads the app list every 500 ms
        shot = snapshot(d, tmp, "launcher")
        w, h, _ = ad.png_decode(shot)
        check((w, h) == (320, 240), "a 320x240 snapshot")
        check(lit_share(shot) > 0.2, "the launcher is drawn (not a black screen)")
        st, _, body = d.request("GET", "/api/display.png", token=d.token)
        check(st == 200, f"GET /api/display.png: {st}")
        check(ad.png_decode(body)[2] == ad.png_decode(shot)[2], "HTTP and shell agree")
        # Buttons only: select puts the focus ring on the first tile (the first app's),
        # select again starts it, and it gets the display.
        d.command("input tap select", "input: tap select")
        settle(d, 100)
        d.command("input tap select", "input: tap select")
        focus_is(d, "game")
        d.expect(rb"screen: display: game", 5, since=0, regex=True)
        settle(d)
        check(snapshot(d, tmp, "game") != shot, "the game's picture replaces the launcher")
        d.command("app stop game", "game: stopped")
        focus_is(d, "system screen")
        settle(d, 700)
        back = snapshot(d, tmp, "launcher2")
        check(lit_share(back) > 0.2, "the launcher is back")
        d.finish()


GAME_SCRIPT = """# down twice, then right three times: two coins
0 press down
40 release down
120 press down
160 release down
240 press right
280 release right
"""


def t_game():
    with ad.tempdir() as tmp:
        d = boot(tmp, [example("game")])
        d.command("app start game", "game: started")
        focus_is(d, "game")
        script = os.path.join(tmp, "moves.txt")
        with open(script, "w") as f:
            f.write(GAME_SCRIPT)
        t0 = time.time()
        d.command("input play " + script, "input play: 6 actions", 10)
        check(time.time() - t0 >= 0.25, "the script's times are honoured")
        for action in ("press right", "release right", "tap right"):
            st, body = d.call("POST", "/api/input", body=action.encode(), token=d.token)
            check(st == 200, f"POST /api/input {action}: {st} {body}")
        logs(d, "game", r"coin at 4,3: score 20")
        # Steady frame rate: one flush (one panel write) per frame, ~30 per second.
        _, c0 = d.call("GET", "/api/display/changes?since=0&timeout_ms=0", token=d.token)
        time.sleep(2.0)
        _, c1 = d.call("GET", "/api/display/changes?since=%d&timeout_ms=0" % c0["seq"],
                       token=d.token)
        fps = (c1["seq"] - c0["seq"]) / 2.0
        check(10 <= fps <= 40, f"the game redraws about 30 times a second (saw {fps})")
        settle(d)
        ad.png_compare(snapshot(d, tmp, "game"), os.path.join(GOLDEN, "app_game.png"))
        d.finish()


def t_settings():
    with ad.tempdir() as tmp:
        d = boot(tmp, [example("settings")])
        d.command("app start settings", "settings: started")
        logs(d, "settings", r"settings ready")
        focus_is(d, "settings")
        d.command("input tap select", "input: tap select")  # the Wi-Fi switch
        logs(d, "settings", r"wifi on")
        d.command("input tap down", "input: tap down")  # to the slider
        d.command("input tap select", "input: tap select")  # edit it
        d.command("input tap right", "input: tap right")  # one step up
        d.command("input tap back", "input: tap back")  # done
        logs(d, "settings", r"brightness 80")
        settle(d)
        ad.png_compare(snapshot(d, tmp, "settings"), os.path.join(GOLDEN, "app_settings.png"))
        d.finish()


def t_hostile():
    with ad.tempdir() as tmp:
        d = boot(tmp, [ui_app("ui_flood"), ui_app("ui_thief"), ui_app("draw_wild"),
                       ui_app("input_only")])
        d.command("app start ui_flood", "ui_flood: started")
        m = logs(d, "ui_flood", r"flood: (\d+) widgets, then (-?\d+); first (\d+)")
        n, rc = int(m.group(1)), int(m.group(2))
        check(0 < n < 1000000 and rc == -22, f"the flood ends at its budget (EQUOTA): {n}, {rc}")
        logs(d, "ui_flood", r"flood: bad parent -3, bad type -1, long text -21, wild text -17, "
                            r"wild out -17")
        logs(d, "ui_flood", r"flood: huge image -21")  # ETOOBIG before any byte is read
        logs(d, "ui_flood", r"flood: delete 0, again 1")
        d.command("app start ui_thief", "ui_thief: started")
        m = logs(d, "ui_thief", r"thief: ok (\d+) eperm (\d+) enoent (\d+) other (\d+)")
        check(m.group(1) == "0" and int(m.group(2)) >= n - 1 and m.group(4) == "0",
              f"no handle of another app works: {m.group(0)}")
        logs(d, "ui_thief", r"thief: draw -5 flush -5")  # EBUSY: ui_flood is in front
        d.command("uptime", "up ")
        # The flood's tree goes with it; a second run gets the same budget again.
        d.command("app stop ui_flood", "ui_flood: stopped")
        d.command("app stop ui_thief", "ui_thief: stopped")
        focus_is(d, "system screen")
        d.command("app start ui_flood", "ui_flood: started")
        runs = r"<inf> ui_flood: flood: (\d+) widgets"
        end = time.time() + 10
        while len(re.findall(runs, d.output())) < 2:
            check(time.time() < end, "the second flood did not report")
            time.sleep(0.1)
        d.command("app stop ui_flood", "ui_flood: stopped")
        counts = re.findall(runs, d.output())
        check(counts[1] == counts[0], f"widgets freed at stop: {counts}")
        # An app that cannot show anything does not take the free display.
        d.command("app start input_only", "input_only: started")
        logs(d, "input_only", r"input_only: state -5")
        focus_is(d, "system screen")
        d.command("app stop input_only", "input_only: stopped")
        d.command("app start draw_wild", "draw_wild: started")
        logs(d, "draw_wild", r"wild: rect 0 line 0 circle 0 tri 0 pixel 0 text_long -1")
        logs(d, "draw_wild", r"wild: text_fault -17 bmp_huge -21 bmp_fault -17 bmp_short -1 "
                             r"bmp_far 0 size_fault -17")
        m = logs(d, "draw_wild", r"wild: flush 0 after (\d+) ms")
        check(int(m.group(1)) < 5000, "wild drawing is clipped, not walked pixel by pixel")
        settle(d)
        shot = snapshot(d, tmp, "wild")
        check(pixel(shot, 160, 120) == (0, 255, 0), "the app still draws: green in the middle")
        check(pixel(shot, 0, 0) == (0, 0, 0), "and black elsewhere")
        d.command("uptime", "up ")
        d.finish()


def t_http():
    with ad.tempdir() as tmp:
        d = boot(tmp, [])
        st, _, _ = d.request("GET", "/api/display.png")
        check(st == 401, f"the picture needs the token: {st}")
        st, _, body = d.request("GET", "/api/display.png?x=10&y=20&w=30&h=40", token=d.token)
        check(st == 200 and ad.png_decode(body)[:2] == (30, 40), f"a crop: {st}")
        for q in ("x=320", "w=400", "x=1x", "y=300&h=1"):
            st, _, _ = d.request("GET", "/api/display.png?" + q, token=d.token)
            check(st == 400, f"a bad area ({q}) is 400: {st}")
        st, body = d.call("GET", "/api/display/changes?since=0&timeout_ms=0", token=d.token)
        check(st == 200 and body["seq"] >= 1 and body["areas"], f"changes since 0: {body}")
        seq = body["seq"]
        # Until the launcher is still (its first list and clock after boot).
        for _ in range(20):
            _, quiet = d.call("GET", "/api/display/changes?since=%d&timeout_ms=700" % seq,
                              token=d.token)
            if not quiet["areas"]:
                break
            seq = quiet["seq"]
        t0 = time.time()
        st, body = d.call("GET", "/api/display/changes?since=%d&timeout_ms=300" % seq,
                          token=d.token)
        check(st == 200 and body["areas"] == [] and time.time() - t0 >= 0.25,
              f"nothing changed: an empty answer after the wait: {body}")
        # A change ends the wait at once: the live view sees it.
        got = {}

        def poll():
            got["r"] = d.call("GET", "/api/display/changes?since=%d&timeout_ms=5000" % seq,
                              token=d.token)
        t = threading.Thread(target=poll)
        t.start()
        time.sleep(0.3)
        d.command("display brightness 200", "brightness 200")
        t.join(10)
        check(got.get("r", (0,))[0] == 200 and got["r"][1]["seq"] > seq and
              got["r"][1]["areas"], f"the long poll answers the change: {got}")
        _, since = d.call("GET", "/api/display/changes?since=%d&timeout_ms=0" % seq,
                          token=d.token)
        check({"x": 0, "y": 0, "w": 320, "h": 240} in since["areas"],
              f"the brightness change is the whole panel: {since}")
        for q in ("", "?since=x", "?since=1&timeout_ms=10001"):
            st, _ = d.call("GET", "/api/display/changes" + q, token=d.token)
            check(st == 400, f"changes{q}: 400, not {st}")
        st, _ = d.call("POST", "/api/input", body=b"press select")
        check(st == 401, f"input needs the token: {st}")
        st, body = d.call("POST", "/api/input", body=b"press select", token=d.token)
        check(st == 200, f"press select: {st} {body}")
        d.command("input", "held: select")
        st, body = d.call("POST", "/api/input", body=b"release select", token=d.token)
        d.command("input", "held: none")
        for bad in (b"jump", b"press nosuch", b"touch 999 1", b"x" * 200):
            st, body = d.call("POST", "/api/input", body=bad, token=d.token)
            check(st in (400, 413), f"bad input {bad[:20]!r}: {st} {body}")
        d.command("input", "held: none")
        d.finish()


ad.main({"launcher": t_launcher, "game": t_game, "settings": t_settings,
         "hostile": t_hostile, "http": t_http}, SCENARIO)
