import { field } from "@/components/ui/styles";

/** A form's error (role alert) and success notice (role status), each shown only when set. */
export function FormMessages({ error, notice = null }: { error: string | null; notice?: string | null }) {
  return (
    <>
      {error ? (
        <p role="alert" className={field.error}>
          {error}
        </p>
      ) : null}
      {notice ? <output className={field.notice}>{notice}</output> : null}
    </>
  );
}
