import { createSocket } from "node:dgram";

/**
 * A DNS server on loopback that answers one name with a set of A records, as Docker's embedded DNS
 * answers a compose service name with one address per replica. Just enough of RFC 1035 for a resolver
 * that asks one question per query. https://www.rfc-editor.org/rfc/rfc1035#section-4.1
 */
export interface DnsStub {
  readonly port: number;
  setAddresses(addresses: readonly string[]): void;
  close(): Promise<void>;
}

const typeA = 1;

/** The question's end offset, name and type, or undefined for a query it cannot read. */
function readQuestion(query: Buffer): { end: number; name: string; type: number } | undefined {
  const labels: string[] = [];
  let at = 12;
  while (at < query.length && query[at] !== 0) {
    const length = query[at] as number;
    labels.push(query.subarray(at + 1, at + 1 + length).toString("ascii"));
    at += 1 + length;
  }
  if (at + 5 > query.length) return undefined;
  return { end: at + 5, name: labels.join(".").toLowerCase(), type: query.readUInt16BE(at + 1) };
}

function answer(query: Buffer, name: string, addresses: readonly string[]): Buffer | undefined {
  const question = readQuestion(query);
  if (question === undefined || query.readUInt16BE(4) !== 1) return undefined;
  const known = question.name === name;
  const records = known && question.type === typeA ? addresses : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // QR=1, RD copied, RA=1; RCODE 3 (NXDOMAIN) for any other name.
  header.writeUInt16BE(0x8080 | (query.readUInt16BE(2) & 0x0100) | (known ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const rrs = records.map((address) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(typeA, 2);
    rr.writeUInt16BE(1, 4); // class IN
    rr.writeUInt32BE(1, 6); // TTL 1 s
    rr.writeUInt16BE(4, 10);
    Buffer.from(address.split(".").map(Number)).copy(rr, 12);
    return rr;
  });
  return Buffer.concat([header, query.subarray(12, question.end), ...rrs]);
}

export async function startDnsStub(name: string, addresses: readonly string[]): Promise<DnsStub> {
  let current = [...addresses];
  const socket = createSocket("udp4");
  socket.on("message", (query, peer) => {
    const reply = answer(query, name, current);
    if (reply !== undefined) socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    port: socket.address().port,
    setAddresses: (next) => {
      current = [...next];
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
