import { randomBase62 } from "@/lib/ids";

export function newRequestId(): string {
  return `req_${randomBase62(20)}`;
}
