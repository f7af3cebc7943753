// A sidebar whose width the operator drags (the handle on its right edge); the width is kept in
// the prefs store.
import { type ReactNode, useRef } from 'react';
import { useStores } from '../stores/stores';

export function Sidebar({ width, children }: { width: number; children: ReactNode }) {
  const setWidth = useStores().prefs.getState().setSidebarWidth;
  const start = useRef<{ x: number; w: number } | null>(null);
  return (
    <aside className="sidebar" style={{ width }}>
      <div className="sidebar-scroll">{children}</div>
      <div
        className="sidebar-handle"
        role="separator"
        aria-orientation="vertical"
        onPointerDown={(e) => {
          start.current = { x: e.clientX, w: width };
          e.currentTarget.setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          if (start.current) setWidth(start.current.w + e.clientX - start.current.x);
        }}
        onPointerUp={() => (start.current = null)}
      />
    </aside>
  );
}
