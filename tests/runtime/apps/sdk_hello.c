/* A freestanding app built by the SDK's akira_app() and akira-app.sh: no libc. */
static int counter;

__attribute__((export_name("answer"))) int answer(int x)
{
    counter += x;
    return 40 + counter;
}

/* Plain C that clang turns into memset and memcpy calls: with no libc the helpers must
 * make them bulk-memory instructions (memory.fill, memory.copy) or the link fails. */
struct block {
    unsigned char bytes[200];
};
static struct block a, b;

__attribute__((export_name("fill_copy"))) int fill_copy(int n, int v)
{
    if (n < 0 || n > (int)sizeof(a.bytes)) return -1;
    for (int i = 0; i < n; i++)
        a.bytes[i] = (unsigned char)v;
    b = a;
    int sum = 0;
    for (int i = 0; i < (int)sizeof(b.bytes); i++)
        sum += b.bytes[i];
    return sum;
}
