#ifndef WACHTER_CCRYPT_SHIM_H
#define WACHTER_CCRYPT_SHIM_H
/* libxcrypt: crypt_rn, crypt_gensalt_rn, crypt_checksalt, crypt_preferred_method.
   Nothing but declarations: the Swift wrapper in WachterCore/Hashing/Crypt.swift owns the calls. */
#include <crypt.h>
#endif
