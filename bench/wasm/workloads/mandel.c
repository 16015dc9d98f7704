/* mandel: a Mandelbrot set on a 272x272 grid, 200 iterations max - f64 multiply/add and
 * compare in a tight loop; the checksum is the total iteration count. */
#include "bench.h"

uint32_t bench(void)
{
    const int w = 272, h = 272, max_iter = 200;
    uint32_t total = 0;
    for (int py = 0; py < h; py++) {
        double ci = (double)py * 2.4 / h - 1.2;
        for (int px = 0; px < w; px++) {
            double cr = (double)px * 3.0 / w - 2.1, zr = 0, zi = 0;
            int it = 0;
            while (it < max_iter && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                it++;
            }
            total += (uint32_t)it;
        }
    }
    return total;
}
