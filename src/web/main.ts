// Entry point of the browser app: picks the page from the URL.
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { showCoursePage } from './course-page.ts';
import { showError } from './dom.ts';
import { showInstructorPage } from './instructor-page.ts';
import { showLessonPage } from './lesson-page.ts';

const root = document.getElementById('app')!;
const lesson = /^\/lessons\/([^/]+)\/?$/.exec(location.pathname);
if (lesson) void showLessonPage(root, decodeURIComponent(lesson[1]!));
else if (location.pathname === '/instructor') void showInstructorPage(root);
else if (location.pathname === '/' || location.pathname === '') void showCoursePage(root);
else showError(root, `No page at ${location.pathname}`);
