import { redirect } from "next/navigation";
import { getPageSession } from "@/lib/auth/page-session";

export const dynamic = "force-dynamic";

export default async function Home() {
  redirect((await getPageSession()) ? "/overview" : "/login");
}
