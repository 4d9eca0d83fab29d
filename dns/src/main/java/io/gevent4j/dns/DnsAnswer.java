package io.gevent4j.dns;

import java.util.List;

/**
 * What one name and type resolved to: the records' data at the end of the CNAME chain, the
 * chain's names, and how the server answered.
 *
 * @param name the name asked, fully qualified, without the final dot
 * @param canonicalName where the CNAME chain ended (the name itself when there was none)
 * @param aliases the chain's names before its end, the name asked first
 * @param data the records' data as text: addresses for A and AAAA, names for PTR; empty for
 *     NXDOMAIN and NODATA
 * @param rcode the reply's RCODE (0 NOERROR, 3 NXDOMAIN, 2 SERVFAIL, ...)
 */
record DnsAnswer(String name, String canonicalName, List<String> aliases, List<String> data, int rcode) {
  DnsAnswer {
    aliases = List.copyOf(aliases);
    data = List.copyOf(data);
  }

  /** NOERROR with records. */
  boolean found() {
    return rcode == 0 && !data.isEmpty();
  }

  /** Why there is nothing, for messages: "NXDOMAIN", "no records of that type", "SERVFAIL". */
  String reason() {
    return switch (rcode) {
      case 0 -> data.isEmpty() ? "no records of that type (NODATA)" : "found";
      case 1 -> "FORMERR";
      case 2 -> "SERVFAIL";
      case 3 -> "no such name (NXDOMAIN)";
      case 4 -> "NOTIMP";
      case 5 -> "REFUSED";
      default -> "RCODE " + rcode;
    };
  }
}
