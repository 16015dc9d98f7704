#!/usr/bin/env python3
"""End-to-end tests of the mps2_an386 firmware in qemu-system-arm, over UART0.

usage: test_mps2.py SCENARIO ELF AKIRA APPS_DIR TEST_APPS_DIR BIG_APP WORKDIR

Scenarios (one CTest test each):
  shell     boot on a fresh flash image with the SDK examples installed through
            semihosting; version, ps, app list, app stop/start hello, app logs hello
  settings  a setting written in one QEMU run is there in the next one
  hostile   endless loop, memory bomb, wild pointer, deep recursion: each is stopped or
            refused while the responder app beside it keeps answering
  powercut  QEMU killed (SIGKILL, nothing flushed) in the middle of an install and in
            the middle of settings writes; the next boot finds everything that was
            acknowledged before the cut, and takes new installs and writes
  aot       apps packed with native code for the board (akira pack --aot thumbv7em,
            docs/aot.md) run on it: `app info` says `aot thumbv7em`, the responder
            answers, wild pointers are refused, deep recursion traps "call stack
            exhausted"; recursion 256 levels deep (deep) traps with the board's
            default thread stack and ends with `thread_stack: 16K`; an endless loop without calls (the back-edge poll) and an
            endless tree of calls without a loop (the poll at function entries) and
            endless loops calling a function that calls (spincall) or a leaf
            (spinleaf) are ended by the watchdog, calls through a function table
            (indirect) give the interpreter's results and its type-mismatch trap,
            and the responder still answers; all of it runs in place in flash
            (`tier: aot thumbv7em (in place)`)
  aot_fallback  native code that cannot run in place: an image misaligned in flash is
            copied to RAM (logged) and still runs sandboxed; a tampered section, one
            whose slot table is filled past its end and one with an entry without its
            Thumb bit (checksums made right) are refused
  wasi      a wasi-libc app (tests/runtime/apps/wasi_fs.c) with the storage capability:
            files and directories in its own directory, clocks, random, an escape
            refused, writes until the board's 48 KiB quota answers EDQUOT; it ends
            normally and the device keeps answering

Every QEMU is bounded in time and killed by pid (tests/harness/qemu.py). Exits 77
(CTest's SKIP_RETURN_CODE) with a message when QEMU or the firmware is missing.
"""
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import qemu  # noqa: E402
from wasm_bytes import custom, sections  # noqa: E402

SCENARIO, ELF, AKIRA, APPS, TEST_APPS, BIG, WORK = sys.argv[1:8]
EXAMPLES = ["hello", "counter", "ping", "pong", "blink-timer"]
BOOT_S = 120  # generous: QEMU on a loaded 2-core host
CMD_S = 60


fail, check = qemu.fail, qemu.check


def boot(flash, installs=(), log_name=None):
    """Starts QEMU on flash (created erased if missing); returns it at the prompt."""
    args = []
    for path in installs:
        args += ["--install", path]
    log = open(os.path.join(WORK, log_name or SCENARIO + ".log"), "a")
    q = qemu.Qemu(qemu.mps2_an386_args(ELF, flash, args), log=log)
    q.start()
    q.expect("akira> ", BOOT_S)
    return q


def run(q, line, timeout=CMD_S):
    return q.command(line, timeout)


def wait_log(q, app, text, timeout=CMD_S, count=1):
    """Polls `app logs APP` until text shows up count times (apps run on their own
    time)."""
    import time
    deadline = time.monotonic() + timeout
    out = ""
    while time.monotonic() < deadline:
        out = run(q, f"app logs {app}")
        if out.count(text) >= count:
            return out
        time.sleep(0.5)
    fail(f"app {app} never logged {text!r}", q.console.output())


def pack(src, name, extra=()):
    """A package of a test app (tests/runtime/apps), made with `akira pack`."""
    out = os.path.join(WORK, name + ".pkg.wasm")
    p = subprocess.run([AKIRA, "pack", src, "-o", out, "--name", name, "--version", "1.0"]
                       + list(extra), capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, f"akira pack {name}", p.stdout + p.stderr)
    return out


def examples():
    return [os.path.join(APPS, n + ".wasm") for n in EXAMPLES]


def scenario_shell():
    flash = os.path.join(WORK, "flash.img")
    q = boot(flash, examples())
    boot_out = q.console.output()
    for name in EXAMPLES:
        check(f"install {os.path.join(APPS, name + '.wasm')}: {name} 1.0.0\n" in boot_out,
              f"first boot installs {name}", boot_out)
    check("app manager: 5 apps, 2 autostarted" in boot_out, "hello and counter autostart",
          boot_out)
    out = run(q, "version")
    check("AkiraOS" in out and "(board mps2_an386)" in out, "version names the board", out)
    out = run(q, "ps")
    for t in ("main", "idle", "app-health"):
        check(t in out, f"ps lists thread {t}", out)
    out = run(q, "app list")
    check("5 installed, at most 2 running" in out, "app list shows the five examples", out)
    for name in EXAMPLES:
        check(name in out, f"app list shows {name}", out)
    wait_log(q, "hello", "Hello from AkiraOS!")
    out = run(q, "app stop hello")
    out = run(q, "app start hello")
    check("error" not in out.lower(), "app start hello", out)
    wait_log(q, "hello", "Hello from AkiraOS!", count=2)  # a second start, a second line
    # A running app has its thread in ps; a stopped one (or one that ended by itself)
    # has none, its stack freed.
    run(q, "app stop hello")
    run(q, "app stop counter")
    out = run(q, "app start pong")
    check("error" not in out.lower(), "app start pong", out)
    out = run(q, "ps")
    check("app:pong" in out, "ps lists the running app's thread app:pong", out)
    run(q, "app stop pong")
    out = run(q, "ps")
    for t in ("app:pong", "app:hello", "app:counter"):
        check(t not in out, f"no thread {t} once the app is not running", out)
    q.poweroff(CMD_S)
    # Next boot: the examples are on flash, not installed again.
    q = boot(flash, examples(), "shell2.log")
    out = q.console.output()
    check("hello 1.0.0 already installed" in out, "second boot keeps the examples", out)
    check("app store: 5 apps installed on flash0" in out, "the store mounts five apps", out)
    q.poweroff(CMD_S)


def scenario_settings():
    flash = os.path.join(WORK, "flash.img")
    q = boot(flash)
    out = run(q, "settings set app/test/persist survives a restart")
    check("error" not in out.lower() and "usage" not in out, "settings set", out)
    q.poweroff(CMD_S)
    q = boot(flash)
    out = run(q, "settings get app/test/persist")
    check("survives a restart" in out, "the setting survives a restart of QEMU",
          q.console.output())
    # And a kill, not only a poweroff: the write returned, so it is on flash.
    run(q, "settings set app/test/killed after kill")
    q.kill()
    q = boot(flash)
    out = run(q, "settings get app/test/killed")
    check("after kill" in out, "an acknowledged setting survives a kill of QEMU",
          q.console.output())
    q.poweroff(CMD_S)


class Responder:
    """Calling it has the responder app answer once more (and checks that it did)."""

    def __init__(self, q):
        self.q, self.answers = q, 0

    def __call__(self):
        self.answers += 1
        run(self.q, "app resume responder")
        wait_log(self.q, "responder", f"answer {self.answers}")


def scenario_hostile():
    flash = os.path.join(WORK, "flash.img")
    mgr = TEST_APPS
    pkgs = [pack(os.path.join(mgr, "responder.wasm"), "responder"),
            pack(os.path.join(mgr, "spin.wasm"), "spin"),
            pack(os.path.join(mgr, "bomb.wasm"), "bomb",
                 ["--caps", "memory", "--memory-quota", "256K", "--heap-size", "16K"]),
            pack(os.path.join(mgr, "oob.wasm"), "oob"),
            pack(os.path.join(mgr, "recurse.wasm"), "recurse")]
    q = boot(flash, pkgs)
    run(q, "app stop hello")
    out = run(q, "app start responder")
    responder_answers = Responder(q)
    responder_answers()
    # Endless loop: the responder answers meanwhile, and the app watchdog ends it (2 s
    # without waiting); started again, a stop ends it too.
    run(q, "app start spin")
    wait_log(q, "spin", "spinning")
    responder_answers()
    wait_log(q, "spin", "failed (watchdog)")
    responder_answers()
    run(q, "app start spin")
    out = run(q, "app stop spin")
    check("error" not in out.lower(), "a spinning app stops", out)
    responder_answers()
    # Memory bomb: refused at its quota, then traps; nothing else is hurt.
    run(q, "app start bomb")
    out = wait_log(q, "bomb", "then refused")
    wait_log(q, "bomb", "failed")
    responder_answers()
    # Wild pointers: every call refused with EFAULT.
    run(q, "app start oob")
    wait_log(q, "oob", "oob: 0 calls not refused")
    responder_answers()
    # Deep recursion: the wasm call stack runs out, a trap, not a fault of the MCU.
    run(q, "app start recurse")
    out = wait_log(q, "recurse", "failed")
    check("stack" in out.lower() or "exhausted" in out.lower(),
          "recurse ends on call stack exhaustion", out)
    responder_answers()
    out = run(q, "ps")
    check("app:responder" in out, "the responder thread is still there", out)
    q.poweroff(CMD_S)


def settings_ack(q, i):
    out = run(q, f"settings set app/cut/k{i} value-{i}")
    check("error" not in out.lower(), f"settings set app/cut/k{i}", out)


def scenario_powercut():
    import time
    flash = os.path.join(WORK, "flash.img")
    rnd = random.Random(11)
    q = boot(flash, examples())
    # How long an install of big takes on this host, to cut inside it.
    t0 = time.monotonic()
    out = run(q, f"app install {BIG}", timeout=300)
    took = time.monotonic() - t0
    check("installed big 1.0.0" in out, "big installs", out)
    run(q, "app uninstall big")
    check("big " not in run(q, "app list"), "big uninstalled")
    q.console.send("poweroff\n")
    q.wait(CMD_S)
    acked = {}
    # 1. Cuts in the middle of an install of a ~200 KB package, at spread delays: some
    # before the acknowledgement, some after; never half an app.
    big_acked = False
    cut_before_ack = 0
    for frac in (0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.5):
        delay = took * frac
        q = boot(flash)
        q.console.send(f"app install {BIG}\n")
        time.sleep(delay)
        q.kill()
        acked_now = "installed big 1.0.0" in q.console.drain()
        big_acked = big_acked or acked_now
        cut_before_ack += not acked_now
        q = boot(flash)
        out = run(q, "app list")
        for name in EXAMPLES:
            check(name in out, f"{name} still installed after a cut at {delay}s", out)
        if big_acked:
            check("big " in out, "an acknowledged install is still there", out)
        if "big " in out:
            info = run(q, "app info big")
            check("205483" in info, "big is whole whenever it is there", info)
        q.console.send("poweroff\n")
        q.wait(CMD_S)
    check(cut_before_ack > 0, "at least one cut fell before the install's acknowledgement")
    # 2. Cuts in the middle of a stream of settings writes.
    n = 0
    for rounds in range(3):
        q = boot(flash)
        for _ in range(5):  # acknowledged: the prompt came back after each
            settings_ack(q, n)
            acked[f"app/cut/k{n}"] = f"value-{n}"
            n += 1
        # Unacknowledged: several writes in flight, cut at a random point.
        for j in range(6):
            q.console.send(f"settings set app/cut/x{n + j} pending\n")
        time.sleep(rnd.uniform(0.0, 0.4))
        q.kill()
        q.console.drain()  # into the log: what it wrote before the cut
        q = boot(flash)
        out = run(q, "settings list app/cut/")
        for k, v in acked.items():
            check(f"{k}" in out and v in out, f"acknowledged {k} survives the cut", out)
        # The store still takes writes and an install.
        settings_ack(q, 1000 + rounds)
        acked[f"app/cut/k{1000 + rounds}"] = f"value-{1000 + rounds}"
        q.console.send("poweroff\n")
        q.wait(CMD_S)
    q = boot(flash)
    out = run(q, f"app install {BIG}", timeout=300)
    check("installed big" in out or "already" in out or "big" in run(q, "app list"),
          "the store takes an install after the cuts", out)
    out = run(q, "app list")
    for name in EXAMPLES + ["big"]:
        check(name in out, f"{name} installed at the end", out)
    q.poweroff(CMD_S)


def scenario_wasi():
    flash = os.path.join(WORK, "flash.img")
    pkg = pack(os.path.join(TEST_APPS, "wasi_fs.wasm"), "wasifs",
               ["--caps", "storage", "--memory-quota", "512K"])
    q = boot(flash, [pkg])
    run(q, "app start wasifs")
    wait_log(q, "wasifs", "wasi fs done", timeout=BOOT_S)
    out = q.console.output()  # every app log line is in the system log as well
    for line in ["preopen 3: yes", "mkdir notes: ok", "read back: 2 lines, last: second line",
                 "ls notes: a.txt b.txt", "escape ../x: Capabilities insufficient",
                 "monotonic: slept >= 20ms: yes", "random differs: yes",
                 "quota: EDQUOT after ", "write at quota: EDQUOT", "create after: ok",
                 "rmdir notes: ok"]:
        check(f"wasifs: {line}" in out, f"wasifs logged {line!r}", out)
    kib = int(out.split("wasifs: quota: EDQUOT after ")[1].split()[0])
    check(8 <= kib <= 48, f"refused after {kib} KiB of a 48 KiB quota", out)
    for _ in range(20):
        out = run(q, "app info wasifs")
        if "running" not in out:
            break
    check("stopped: returned 0" in out, "wasifs ended normally", out)
    q.poweroff(CMD_S)


def fnv(data):
    h = 2166136261
    for i, c in enumerate(data):
        if not 68 <= i < 72:  # the checksum field
            h = ((h ^ c) * 16777619) & 0xFFFFFFFF
    return h


def rework(path, name, change):
    """Copy of package path (unsigned) as NAME.pkg.wasm with change(pkg, aot) applied,
    where aot = (section start, payload start, payload end) of akira-aot.thumbv7em."""
    pkg = bytearray(open(path, "rb").read())
    aot = [(a, p, e) for a, e, n, p in sections(pkg) if n == "akira-aot.thumbv7em"][0]
    pkg = change(pkg, aot)
    out = os.path.join(WORK, name + ".pkg.wasm")
    open(out, "wb").write(pkg)
    return out


def u32(b, o):
    return int.from_bytes(b[o:o + 4], "little")


def misalign(pkg, aot):
    """A small custom section before the native code: its image no longer starts at its
    alignment in flash."""
    return pkg[:aot[0]] + custom("x", b"\1") + pkg[aot[0]:]


def tamper(pkg, aot):
    """One bit of the image's first instruction flipped, nothing else."""
    _, p, _ = aot
    img = p + 96 + 8 * u32(pkg, p + 60) + u32(pkg, p + 72)
    pkg[img] ^= 0x01
    return pkg


def slot_outside(pkg, aot):
    """The first relocation fills a slot past the table, with the checksum made right
    again (what the checksum cannot catch: the table's bounds must)."""
    _, p, e = aot
    nrel = u32(pkg, p + 60)
    pkg[p + 96:p + 100] = (4 * nrel).to_bytes(4, "little")
    pkg[p + 68:p + 72] = fnv(bytes(pkg[p:e])).to_bytes(4, "little")
    return pkg


def tier(q, app):
    """The tier line of `app info APP`."""
    out = run(q, f"app info {app}")
    lines = [ln for ln in out.splitlines() if ln.startswith("tier:")]
    check(len(lines) == 1, f"app info {app} has a tier", out)
    return lines[0][len("tier:"):].strip()


def entry_even(pkg, aot):
    """The first function's entry in the root table without its Thumb bit (a branch
    there would fault), with the checksum made right again."""
    _, p, e = aot
    img = p + 96 + 8 * u32(pkg, p + 60) + u32(pkg, p + 72)
    fn = img + u32(pkg, img + u32(pkg, p + 56) + 8)
    pkg[fn:fn + 4] = (u32(pkg, fn) & ~1).to_bytes(4, "little")
    pkg[p + 68:p + 72] = fnv(bytes(pkg[p:e])).to_bytes(4, "little")
    return pkg


def scenario_aot_fallback():
    """Native code that cannot run in place: copied (misaligned), refused (damaged,
    a slot outside its table)."""
    qemu.need_tools("arm-none-eabi-gcc", os.path.join(os.path.dirname(AKIRA), "akira-aot"))
    flash = os.path.join(WORK, "flash.img")
    mgr = TEST_APPS
    aot = ["--aot", "thumbv7em"]
    pkgs = [rework(pack(os.path.join(mgr, "oob.wasm"), "oobcopy", aot), "oobcopy", misalign),
            rework(pack(os.path.join(mgr, "spin.wasm"), "spintamper", aot), "spintamper",
                   tamper),
            rework(pack(os.path.join(mgr, "recurse.wasm"), "recslot", aot), "recslot",
                   slot_outside),
            rework(pack(os.path.join(mgr, "responder.wasm"), "resteven", aot), "resteven",
                   entry_even)]
    q = boot(flash, pkgs)
    run(q, "app stop hello")
    # Misaligned: copied to RAM, said in the log, and still the sandbox's code.
    run(q, "app start oobcopy")
    out = wait_log(q, "oobcopy", "oob: 0 calls not refused")
    check("native code copied to RAM (image not aligned in place)" in out,
          "the copy is logged", out)
    check(tier(q, "oobcopy") == "aot thumbv7em", "oobcopy ran on copied code")
    # Damaged in flash: never run, the interpreter instead.
    run(q, "app start spintamper")
    out = wait_log(q, "spintamper", "checksum mismatch (damaged section)")
    check("running on the interpreter" in out, "a damaged section is refused", out)
    check(tier(q, "spintamper") == "interp", "spintamper on the interpreter")
    run(q, "app stop spintamper")
    # A slot outside the table: refused.
    run(q, "app start recslot")
    out = wait_log(q, "recslot", "bad relocation or root table")
    check(tier(q, "recslot") == "interp", "recslot on the interpreter", out)
    # An entry in ARM state: refused.
    run(q, "app start resteven")
    out = wait_log(q, "resteven", "bad relocation or root table")
    check(tier(q, "resteven") == "interp", "resteven on the interpreter", out)
    q.poweroff(CMD_S)


def start(q, name):
    """`app start NAME`, again while the app that failed just before still holds its
    running place (its thread ends just after it says so)."""
    import time
    deadline = time.monotonic() + CMD_S
    while True:
        out = run(q, f"app start {name}")
        if "board limit" not in out or time.monotonic() > deadline:
            return out
        time.sleep(0.2)


def pool_used(q):
    """Bytes in use in the app heap pool (`mem`)."""
    out = run(q, "mem")
    return int(out.split("app heap pool:")[1].split("used ")[1].split(",")[0])


def held_in_pool(q, name):
    """What app `name` holds in the pool while it runs: used while running less used
    after its stop (a stop joins the thread, so its stack is back too)."""
    start(q, name)
    for _ in range(20):
        if "running" in run(q, f"app info {name}"):
            break
    running = pool_used(q)
    run(q, f"app stop {name}")
    return running - pool_used(q)


def scenario_aot():
    # akira pack runs akira-aot (beside akira), which runs arm-none-eabi-gcc
    qemu.need_tools("arm-none-eabi-gcc", os.path.join(os.path.dirname(AKIRA), "akira-aot"))
    flash = os.path.join(WORK, "flash.img")
    mgr = TEST_APPS
    aot = ["--aot", "thumbv7em"]
    pkgs = [pack(os.path.join(mgr, n + ".wasm"), n, aot)
            for n in ("responder", "oob", "recurse", "spin", "calltree", "spincall", "spinleaf",
                      "indirect")]
    # installed from the shell once indirect is done with (the board holds 8 apps): the
    # recursion, and the same with a larger thread stack (from the app pool, charged)
    deep = pack(os.path.join(mgr, "deep.wasm"), "deep", aot)
    deepstack = pack(os.path.join(mgr, "deep.wasm"), "deepstack",
                     aot + ["--thread-stack", "16K"])
    respstack = pack(os.path.join(mgr, "responder.wasm"), "respstack",
                     aot + ["--thread-stack", "16K"])
    q = boot(flash, pkgs)
    run(q, "app stop hello")
    run(q, "app start responder")
    out = run(q, "app info responder")
    check("aot thumbv7em (in place)" in out, "the responder runs on native code in flash", out)
    responder_answers = Responder(q)
    responder_answers()
    run(q, "app start oob")
    wait_log(q, "oob", "oob: 0 calls not refused")
    check("aot thumbv7em (in place)" in run(q, "app info oob"), "oob ran on native code")
    responder_answers()
    start(q, "recurse")
    out = wait_log(q, "recurse", "failed")
    check("exhausted" in out.lower(), "recurse ends on call stack exhaustion", out)
    # call_indirect: 1000 calls through a table checked inline, then one of the wrong
    # signature traps with the interpreter's message
    start(q, "indirect")
    out = wait_log(q, "indirect", "failed")
    check("indirect: 3918035704" in out, "indirect's calls through the table", out)
    check("indirect call type mismatch" in out, "the wrong signature traps", out)
    check("not reached" not in out, "the mismatched call did not run", out)
    check("aot thumbv7em (in place)" in run(q, "app info indirect"), "indirect ran on native code")
    run(q, "app uninstall indirect")
    out = run(q, f"app install {deep}")
    check("installed deep" in out, "deep installs", out)
    # 256 levels: beyond the default thread stack's native budget, within 16K's
    start(q, "deep")
    out = wait_log(q, "deep", "failed")
    check("exhausted" in out.lower() and "deep: 256 levels" not in out,
          "deep traps on call stack exhaustion with the default thread stack", out)
    run(q, "app uninstall deep")
    out = run(q, f"app install {deepstack}")
    check("installed deepstack" in out, "deepstack installs", out)
    start(q, "deepstack")
    out = wait_log(q, "deepstack", "deep: done")
    check("deep: 256 levels" in out and "failed" not in out, "deepstack recurses 256 levels", out)
    for _ in range(20):
        info = run(q, "app info deepstack")
        if "running" not in info:
            break
    check("stopped: returned 0" in info and "aot thumbv7em" in info
          and "stack 16384 bytes (thread_stack, charged" in info,
          "deepstack ended normally on native code, its thread stack shown", info)
    responder_answers()
    start(q, "spin")
    wait_log(q, "spin", "spinning")
    wait_log(q, "spin", "failed (watchdog)")
    check("aot thumbv7em (in place)" in run(q, "app info spin"), "spin ran on native code")
    # Endless calls without a loop: the checks at function entries end it.
    start(q, "calltree")
    wait_log(q, "calltree", "calling")
    wait_log(q, "calltree", "failed (watchdog)")
    check("aot thumbv7em (in place)" in run(q, "app info calltree"), "calltree ran on native code")
    # Endless loops calling a function that calls (no poll at the header: the callee's
    # entry check) and calling a leaf (the header's poll).
    for n in ("spincall", "spinleaf"):
        start(q, n)
        wait_log(q, n, "spinning with calls")
        wait_log(q, n, "failed (watchdog)")
        check("aot thumbv7em (in place)" in run(q, f"app info {n}"), f"{n} ran on native code")
    responder_answers()
    # The larger stack comes from the app pool, not the system's RAM: what a running
    # app holds in the pool grows by it.
    run(q, "app stop responder")
    plain = held_in_pool(q, "responder")
    run(q, "app uninstall deepstack")
    out = run(q, f"app install {respstack}")
    check("installed respstack" in out, "respstack installs", out)
    big = held_in_pool(q, "respstack")
    check(big - plain >= 16384, f"a 16K thread stack is in the pool ({plain} -> {big} B)")
    print(f"pool held while running: {plain} B, with thread_stack 16K {big} B")
    q.poweroff(CMD_S)


def main():
    qemu.prepare_mps2(ELF, WORK)
    {"shell": scenario_shell, "settings": scenario_settings, "hostile": scenario_hostile,
     "powercut": scenario_powercut, "wasi": scenario_wasi, "aot": scenario_aot,
     "aot_fallback": scenario_aot_fallback}[SCENARIO]()
    print("ok")


if __name__ == "__main__":
    main()
