#!/usr/bin/env python3
"""The board's hardware shell commands on the real firmware (piped console).

usage: hw_shell_test.py AKIRAOS

Checks what a user sees: the uart1 pty path at boot, i2c scan finding both chips,
register reads, sensors listed and read back from a signal set with `sim`, gpio set
and watch logging an edge, pwm duty, power with charger and load, and a usage line
(with nothing changed) for each kind of bad argument.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402

AKIRAOS = sys.argv[1]


def run(script):
    rc, out, _ = ad.run_piped(AKIRAOS, script, timeout=20)
    check(rc == 0, f"exit status {rc}")
    return out


def need(pattern, out):
    check(re.search(pattern, out, re.M), f"missing {pattern!r}")


def t_hw_shell():
    out = run("""i2c scan i2c0
i2c read 0 0x76 0xd0
i2c read i2c0 0x6a 0x0f
i2c read 0 0x76 0x88 4
i2c write 0 0x76 0xf5 0xa0
i2c read 0 0x76 0xf5
i2c read 0 0x50 0
sim signal temp const 23.45
sim signal press const 99000
sensor list
sensor read bme280
sensor read lsm6ds3
gpio set 4 1
gpio watch 4
gpio set 4 0
gpio watch 5 7
sleep 100
gpio get 4
pwm 1 20000 5000
power load 250
power charge on
gpio set 32 1
gpio set 4 2
i2c read 0 0x100 0
i2c read 9 0x76 0
sensor read nosuch
pwm 1 1000 2000
pwm 8 20000 1
power charge maybe
sim signal temp const 500
pwm
""")
    need(r"<inf> uart_sim: uart1 on pty (/dev/\S+)", out)
    path = re.search(r"uart1 on pty (/dev/\S+)", out).group(1)
    need(r"^0x6a\n0x76\n2 devices on i2c0", out)
    need(r"^d0: 60$", out)
    need(r"^0f: 69$", out)
    need(r"^88: 70 6b 43 67$", out)  # dig_T1 = 27504, dig_T2 = 26435, little-endian
    need(r"^wrote 1 byte at 0xf5$", out)
    need(r"^f5: a0$", out)
    need(r"no acknowledge from 0x50 on i2c0", out)
    need(r"^lsm6ds3\s+ready\s+accel_x accel_y accel_z gyro_x gyro_y gyro_z die_temp$", out)
    need(r"^bme280\s+ready\s+ambient_temp press humidity$", out)
    need(r"^ambient_temp\s+23\.4[45]\d+ C$", out)
    need(r"^press\s+(99\.00\d+|98\.99\d+) kPa$", out)  # within a few Pa
    need(r"^accel_z\s+9\.8\d+ m/s2$", out)
    need(r"^pin 4 \(input, driven\): 1$", out)
    need(r"^watching edges on pin 4 \(logged", out)  # the pin, not a mask
    need(r"<inf> hw: gpio0 pin 4: edge, now 0", out)
    need(r"^watching edges on pins 4 5 7 \(logged", out)
    need(r"^pin 4: 0$", out)
    need(r"^ 1 +20000 +5000 +25\.00%$", out)
    need(r"battery: \d+ mV, \d+%, discharging, -2\d\d mA", out)
    need(r"battery: \d+ mV, \d+%, charging, 500 mA", out)
    need(r"not a pin number \(0\.\.31\): '32'\nusage: gpio set PIN 0\|1\|z", out)
    need(r"not a level .*'2'\nusage: gpio set", out)
    need(r"not a 7-bit address .*'0x100'\nusage: i2c read", out)
    need(r"no such I2C bus: '9'\nusage: i2c read", out)
    need(r"no such sensor .*'nosuch'\nusage: sensor read", out)
    need(r"not a pulse in ns .*'2000'\nusage: pwm", out)
    need(r"not a channel: '8'\nusage: pwm", out)
    need(r"not on or off: 'maybe'\nusage: power charge", out)
    need(r"temp: values must be in -40\.\.85 C", out)
    # the refused pwm settings left channel 1 as it was (the last table)
    last = out.rsplit("CH    PERIOD_NS", 1)[1]
    need(r"^ 1 +20000 +5000 +25\.00%$", last)
    check(path.startswith("/dev/"), f"uart1 pty path {path}")


if __name__ == "__main__":
    ad.main({"hw_shell": t_hw_shell}, "hw_shell")
