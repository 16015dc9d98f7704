/* sleeper: sleeps for an hour (one poll_oneoff) unless interrupted. */
#include <unistd.h>

int main(void)
{
    sleep(3600);
    return 0;
}
