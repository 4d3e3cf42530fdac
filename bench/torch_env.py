"""What PyTorch really runs on here: which BLAS library is loaded, and how many threads.

Debian's python3-torch is built with BLAS_INFO=generic: it calls whatever libblas.so.3 the
alternatives system points to (the slow reference BLAS, or OpenBLAS once libopenblas0-pthread
is installed). OpenBLAS keeps its own thread pool, which torch.set_num_threads() does not
touch, so both are set here; otherwise a "1 thread" PyTorch figure would quietly use two.
"""

import ctypes
import os
import re

import torch


def _loaded_libraries():
    """Paths of the BLAS/LAPACK/OpenMP shared libraries mapped into this process."""
    with open("/proc/self/maps", encoding="utf-8") as maps:
        paths = {line.split()[-1] for line in maps if re.search(r"blas|lapack|gomp|libomp", line)}
    return sorted(p for p in paths if p.startswith("/"))


def _openblas():
    """The loaded OpenBLAS library, or None when torch runs on another BLAS."""
    for path in _loaded_libraries():
        if "openblas" in os.path.basename(path):
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return path, lib
    return None


def set_threads(threads):
    """Sets torch's intra-op threads and, when OpenBLAS is loaded, OpenBLAS's threads."""
    torch.set_num_threads(threads)
    found = _openblas()
    if found is not None:
        found[1].openblas_set_num_threads(threads)


def blas_info():
    """A JSON-ready description of the BLAS torch uses and the thread counts in force."""
    config = torch.__config__.show()
    match = re.search(r"BLAS_INFO=([^,\s]+)", config)
    info = {
        "torch": torch.__version__,
        "torchBlasInfo": match.group(1) if match else "unknown",
        "libraries": _loaded_libraries(),
        "torchThreads": torch.get_num_threads(),
        "openblasCoretypeEnv": os.environ.get("OPENBLAS_CORETYPE"),
        "ompWaitPolicy": os.environ.get("OMP_WAIT_POLICY"),
    }
    found = _openblas()
    if found is None:
        info["blas"] = "not OpenBLAS (reference BLAS or other)"
    else:
        path, lib = found
        info["blas"] = "OpenBLAS"
        info["openblasPath"] = path
        info["openblasConfig"] = lib.openblas_get_config().decode()
        info["openblasCore"] = lib.openblas_get_corename().decode()
        info["openblasThreads"] = lib.openblas_get_num_threads()
    return info
