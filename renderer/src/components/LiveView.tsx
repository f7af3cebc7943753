// The live tab: settings sidebar (resizable) beside the views grid fed by the engine's snapshots.
import type { Roi } from '../../../shared/liveViews';
import { ViewsGrid } from '../plots/ViewsGrid';
import { useLive, usePrefs, useSettings, useStores } from '../stores/stores';
import { SettingsPanels } from './SettingsPanels';
import { Sidebar } from './Sidebar';
import { ViewPanels } from './ViewPanels';

/** The plots: the only part of the live tab that redraws with every snapshot. */
function LivePlots() {
  const snapshot = useLive((s) => s.snapshot);
  const views = useSettings((s) => s.views);
  const applyViews = useStores().settings.getState().applyViews;
  return snapshot ? (
    <ViewsGrid
      snapshot={snapshot}
      rois={views?.rois ?? []}
      onRoisChange={(rois: Roi[]) => void applyViews('rois', { rois })}
      onHitMapMode={(mode) => void applyViews('views.hitMap', { hitMap: { mode } })}
    />
  ) : (
    <div className="empty">Press Start (Alt+S) to acquire. The plots appear with the first data.</div>
  );
}

export function LiveView() {
  const width = usePrefs((s) => s.sidebarWidth);
  return (
    <div className="workspace">
      <Sidebar width={width}>
        <SettingsPanels />
        <ViewPanels />
      </Sidebar>
      <main className="content">
        <LivePlots />
      </main>
    </div>
  );
}
