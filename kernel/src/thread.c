/* The ports' common part of akira/thread.h. */
#include <akira/thread.h>

const char *akira_thread_state_name(enum akira_thread_state s)
{
    switch (s) {
    case AKIRA_THREAD_RUNNING: return "running";
    case AKIRA_THREAD_BLOCKED: return "blocked";
    case AKIRA_THREAD_SLEEPING: return "sleeping";
    case AKIRA_THREAD_DEAD: return "dead";
    }
    return "?";
}
