#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
/* Debian builds libxml2 with ICU, whose headers clash with the ICU copy inside
   Swift's Foundation. Only opaque pointers to the ICU-dependent structs are
   used here, so hiding those members is safe. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>

/* xmlFree is a global function pointer, which Swift cannot call directly. */
static inline void cxml_free(void *p) { xmlFree(p); }
#endif
