/* A freestanding app built by the SDK's akira_app(): no libc, one export. */
static int counter;

__attribute__((export_name("answer"))) int answer(int x)
{
    counter += x;
    return 40 + counter;
}
