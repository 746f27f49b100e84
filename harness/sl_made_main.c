/* The loader of a binary made by `sourceless make`: maps the model's bare image behind the import
 * table (harness/sl_runtime.c, the same contract as every artifact) and calls its entry,
 * `int NAME(void)`, whose return value becomes the exit status. The image is compiled in from
 * made_image.h; `--image FILE` runs another image instead (the report card's bit flips). */
/* The runtime's source, not only its interface: this program uses its loader and child set-up. */
#include "sl_runtime.c"
#include "made_image.h"

int main(int argc, char **argv)
{
    const unsigned char *image = sl_made_image;
    size_t len = sizeof sl_made_image;
    unsigned char *other = NULL;
    if (argc == 3 && strcmp(argv[1], "--image") == 0) {
        other = sl_read_file(argv[2], &len);
        if (other == NULL) return 70;
        image = other;
    }
    int (*entry)(void) = (int (*)(void))sl_map_code(image, len, sl_imports, (int)(sizeof sl_imports / sizeof sl_imports[0]));
    if (entry == NULL) return 70;
    fflush(stdout);
    int status = entry();
    fflush(stdout);
    return status & 0xff;
}
