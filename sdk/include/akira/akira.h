/*
 * AkiraOS app SDK - everything at once: include this one header in an app.
 *
 * Each module's header says which capability its calls need (the manifest's
 * `capabilities:` line); calls without it return AKIRA_EACCES and never trap.
 */
#ifndef AKIRA_SDK_AKIRA_H
#define AKIRA_SDK_AKIRA_H

#include <akira/common.h>
#include <akira/errors.h>
#include <akira/ipc.h>
#include <akira/lifecycle.h>
#include <akira/memory.h>
#include <akira/storage.h>
#include <akira/timer.h>
/* hardware and network */
#include <akira/gpio.h>
#include <akira/i2c.h>
#include <akira/net.h>
#include <akira/power.h>
#include <akira/pwm.h>
#include <akira/sensor.h>
#include <akira/uart.h>
/* display, buttons and touch, widgets */
#include <akira/display.h>
#include <akira/input.h>
#include <akira/ui.h>

#include <akira/mqtt.h>

#endif /* AKIRA_SDK_AKIRA_H */
