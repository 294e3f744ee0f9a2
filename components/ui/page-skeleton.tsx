// A page's loading state: a pulsing outline of its heading lines and rows, announced to screen readers.
export function PageSkeleton(props: { label: string; announce: string; lines: string[]; rows: number; rowClass: string; listClass: string }) {
  const { label, announce, lines, rows, rowClass, listClass } = props;
  return (
    <div className="animate-pulse space-y-6" role="status" aria-label={label}>
      {lines.map((cls, i) => (
        <div key={i} className={cls} />
      ))}
      <div className={listClass}>
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className={rowClass} />
        ))}
      </div>
      <span className="sr-only">{announce}</span>
    </div>
  );
}
