/* needs_env: imports a function no runner provides; instantiation must fail and name it. */
#include <stdio.h>

__attribute__((import_module("env"), import_name("sensor_read"))) int sensor_read(int);

int main(void)
{
    printf("%d\n", sensor_read(1));
    return 0;
}
