/* A stand-in for Windows' bcryptprimitives.dll, for running the Windows build under Wine 8 (Debian
 * 12), which lacks it: Rust's std takes its random bytes from ProcessPrng there. Placed beside the
 * .exe in the tests only; real Windows has its own. ProcessPrng is answered by RtlGenRandom
 * (advapi32's SystemFunction036), which Wine implements. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
