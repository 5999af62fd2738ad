/**
 * Demo data for a fresh installation: three accounts and three Russian
 * courses that use every step type. This is what a visitor sees first.
 *
 * - Runs in one transaction and leaves a marker in `app_meta`
 *   (`seed:demo`): seeding again changes nothing. Concurrent calls are safe
 *   (the marker row is inserted first; the second caller waits on it, then
 *   finds it).
 * - Seeds only an empty database: if users exist and there is no marker, it
 *   does nothing (someone is using this database for real).
 * - Passwords are random, printed once through `print` and returned; only
 *   their hashes are stored.
 */
import { type Kysely, sql } from "kysely";
import { newId } from "@/platform/ids.ts";
import { hashPassword } from "../auth/password.ts";
import { json } from "@/db/connection.ts";
import type {
  ChecklistQuestion,
  Database,
  DayType,
  NewStep,
  NewStepTemplate,
  Role,
  StepType,
} from "@/db/schema.ts";

export const SEED_MARKER = "seed:demo";
const SEED_VERSION = 1;

export interface SeedUser {
  username: string;
  password: string;
  role: Role;
}

export interface SeedResult {
  created: boolean;
  users?: SeedUser[];
}

// Letters and digits without look-alikes (0/O, 1/l/I).
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** 4 groups of 5 (~114 bits), always with upper case, lower case and a digit. */
export function generatePassword(): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(40));
    let out = "";
    for (const b of bytes) {
      if (b >= 228) continue; // 228 = 4·57: keeps the choice uniform
      out += ALPHABET[b % ALPHABET.length];
      if (out.length === 20) break;
    }
    if (out.length < 20) continue;
    if (!/[A-Z]/.test(out) || !/[a-z]/.test(out) || !/[0-9]/.test(out)) continue;
    return out.match(/.{5}/g)!.join("-");
  }
}

// ---------------------------------------------------------------- content

interface StepDef {
  key: string;
  title: string;
  type: StepType;
  description: string;
  durationSec?: number;
  estimatedSec?: number;
  videoUrl?: string;
  checklist?: ChecklistQuestion[];
  requiresWritten?: boolean;
  requiresVideo?: boolean;
  passPercent?: number;
}

interface DayDef {
  key: string;
  title: string;
  type: DayType;
  description: string;
  equipment?: string;
  shareProgress?: boolean;
  pathExport?: boolean;
  steps: string[];
}

interface CourseDef {
  slug: string;
  name: string;
  shortDescription: string;
  description: string;
  equipment: string;
  level: "BEGINNER" | "INTERMEDIATE" | "ADVANCED" | "EXPERT";
  duration: string;
  access: "PUBLIC" | "PRIVATE";
  showInProfile: boolean;
  days: string[];
}

const STEPS: StepDef[] = [
  // ---- shared, reusable steps
  {
    key: "rest60",
    title: "Отдых 1 минута",
    type: "BREAK",
    durationSec: 60,
    description: `Минута отдыха. Дайте щенку попить, погладьте его, можно просто посидеть рядом.

Перерыв — часть тренировки: в это время мозг «укладывает» то, что только что получилось.
Не начинайте следующее упражнение раньше, чем прозвенит таймер.`,
  },
  {
    key: "sniffBreak",
    title: "Нюхательная пауза",
    type: "BREAK",
    durationSec: 120,
    description:
      `Две минуты свободного обнюхивания на провисшем поводке. Остановитесь там, где собаке
интересно: куст, угол дома, газон.

Для собаки нюхать — это и отдых, и награда. Разрешайте это **после** хорошо выполненного
упражнения, и прогулка сама начнёт работать на вас.`,
  },
  {
    key: "diaryDay",
    title: "Дневник успехов",
    type: "DIARY",
    estimatedSec: 300,
    description: `Запишите пару строк о сегодняшнем занятии:

- что получилось лучше всего;
- где было трудно и почему (усталость, отвлечения, неудобное место);
- какое лакомство сработало лучше.

Через неделю перечитайте записи — прогресс заметнее, чем кажется изо дня в день.`,
  },
  {
    key: "diaryPath",
    title: "Ваш путь: главное за курс",
    type: "DIARY",
    estimatedSec: 600,
    description: `Оглянитесь назад и опишите, каким было начало курса и что изменилось сейчас.
Какие упражнения стали привычкой? Над чем хотите продолжить работать?

Эта запись войдёт в выгрузку «Ваш путь» вместе с остальными записями дневника.`,
  },

  // ---- «Это база»
  {
    key: "howCourseWorks",
    title: "Как устроен курс",
    type: "THEORY",
    estimatedSec: 180,
    description: `## Добро пожаловать!

Курс состоит из **дней**, а каждый день — из **шагов**. Проходите их по порядку:

- **Теория** — короткий текст, прочитали и отметили.
- **Тренировка** — упражнение с таймером. Нажмите «Старт», работайте, пока идёт отсчёт.
  Таймер можно поставить на паузу; когда время выйдет, придёт уведомление.
- **Перерыв** — тоже с таймером: отдых обязателен.
- **Практика** — задание без таймера: выполнили — нажмите «Я выполнил».
- **Дневник успехов** — пара строк о том, как прошло занятие.
- **Экзамен** — в последний день: тест и короткий письменный ответ, их проверит тренер.

Один день не обязательно проходить за один раз. Лучше три коротких подхода в течение
дня, чем одно длинное занятие.`,
  },
  {
    key: "puppyHome",
    title: "Первые дни щенка дома",
    type: "THEORY",
    estimatedSec: 420,
    description: `## Безопасность

Опуститесь на четвереньки и посмотрите на квартиру глазами щенка. Уберите:

- провода и зарядки — их грызут первыми;
- бытовую химию, лекарства, мелкие предметы (резинки, монеты, детали игрушек);
- комнатные растения: многие из них ядовиты для собак;
- обувь — или смиритесь с её судьбой.

## Режим

Щенок 2–4 месяцев спит **18–20 часов в сутки**. Недосып делает его возбудимым и
«кусачим», поэтому после игры и занятия дайте ему уснуть.

Кормите по часам, выводите в туалет сразу после сна, еды и игры — так щенок быстрее
поймёт, где и когда это делать.

## Место

У щенка должно быть своё место: лежанка в тихом углу, не в проходе. Там его не
трогают — ни дети, ни взрослые. Место никогда не используют для наказания.

## Первое правило обучения

Награждайте то, что нравится, сразу — в течение секунды-двух. Щенок повторяет то,
что приносит ему хорошее.`,
  },
  {
    key: "preparePlace",
    title: "Подготовьте место для щенка",
    type: "PRACTICE",
    estimatedSec: 600,
    description: `1. Выберите тихий угол, откуда щенку видно хотя бы часть комнаты.
2. Положите лежанку или плед, рядом — миску с водой.
3. Положите на место 2–3 безопасные игрушки для грызения.
4. Несколько раз за день незаметно кладите на лежанку кусочек лакомства: пусть щенок
   «находит» там приятное.

Когда всё готово, нажмите «Я выполнил».`,
  },
  {
    key: "firstNotes",
    title: "Первые наблюдения",
    type: "DIARY",
    estimatedSec: 300,
    description: `Опишите щенка таким, какой он сейчас: сколько спит, как реагирует на новые звуки,
что любит больше всего (еда, игра, ласка). Эти заметки помогут увидеть прогресс через
пару недель.`,
  },
  {
    key: "whyContact",
    title: "Почему всё начинается с контакта",
    type: "THEORY",
    estimatedSec: 240,
    description:
      `Любая команда работает, только если собака **слышит вас**. Отклик на кличку и взгляд
в глаза — это «вход» во все остальные упражнения.

Кличка должна значить для щенка только хорошее: после неё — лакомство, игра, похвала.
Не зовите по кличке, чтобы отругать, и не повторяйте её по десять раз: «Бим-Бим-Бим»
учит щенка не реагировать с первого раза.

**Лакомство:** мелкие кусочки размером с горошину, мягкие, которые не нужно долго
жевать. За одно занятие их уйдёт 20–30 штук — учитывайте это в дневной норме корма.`,
  },
  {
    key: "nameResponse",
    title: "Отклик на кличку",
    type: "TRAINING",
    durationSec: 180,
    description: `1. Дождитесь, когда щенок отвлечётся (нюхает пол, смотрит в сторону).
2. Скажите кличку **один раз** обычным голосом.
3. Повернул голову к вам — сразу похвалите («Да!») и дайте лакомство.
4. Не повернулся — издайте звук (чмокните, хлопните по бедру), наградите за поворот и
   в следующий раз отойдите в более спокойное место.

Повторяйте, пока идёт таймер, с паузами в несколько секунд.`,
  },
  {
    key: "eyeContact",
    title: "Контакт глаз: «Смотри»",
    type: "TRAINING",
    durationSec: 180,
    description: `1. Возьмите лакомство в руку и отведите руку в сторону на уровне плеча.
2. Щенок будет смотреть на руку. Ждите молча.
3. Как только он переведёт взгляд на ваше лицо — «Да!» и лакомство из **другой** руки.
4. Когда щенок начнёт уверенно смотреть на вас, добавьте слово «Смотри» перед началом.

Цель — 2–3 секунды спокойного взгляда. Не затягивайте: лучше пять коротких удачных
попыток, чем одна долгая.`,
  },
  {
    key: "nameNewPlaces",
    title: "Кличка в новых местах",
    type: "PRACTICE",
    estimatedSec: 300,
    description:
      `Повторите отклик на кличку в трёх разных местах: в другой комнате, на балконе или в
подъезде, во дворе на поводке. В каждом месте — 5 повторов.

В новом месте щенку труднее: если не откликается, подойдите ближе и начните с более
вкусного лакомства.`,
  },
  {
    key: "placeTheory",
    title: "Место — не наказание",
    type: "THEORY",
    estimatedSec: 240,
    description:
      `Команда «Место» учит щенка **успокаиваться** самостоятельно. Это пригодится, когда вы
едите, когда приходят гости, когда нужно переждать уборку.

Правила:

- на место отправляют спокойно, без крика;
- на месте щенка не трогают и не будят;
- выдержку (время на месте) увеличивают постепенно: 5 → 10 → 30 секунд → минута;
- отпускают с места словом-разрешением («Свободно»), а не тогда, когда щенок сам ушёл.`,
  },
  {
    key: "placeLove",
    title: "Лежанка — это хорошо",
    type: "TRAINING",
    durationSec: 240,
    description: `1. Встаньте рядом с лежанкой с лакомствами.
2. Щенок наступил на лежанку хотя бы одной лапой — «Да!» и лакомство **на лежанку**.
3. Бросьте кусочек в сторону, чтобы щенок сошёл, и ждите, когда он вернётся сам.
4. Когда щенок начнёт уверенно заходить на лежанку, награждайте только за то, что он
   лёг.

Команду «Место» добавьте, когда щенок уже сам ложится на лежанку.`,
  },
  {
    key: "placeStay",
    title: "Выдержка на месте: 5–30 секунд",
    type: "TRAINING",
    durationSec: 300,
    description: `1. Отправьте щенка на место, дождитесь, когда ляжет.
2. Считайте про себя до 5, наградите, скажите «Свободно» и позовите к себе.
3. Следующие повторы: 8, 5, 12, 10, 15, 20… секунд — время то растёт, то уменьшается,
   чтобы щенок не ждал подвоха.
4. Ушёл с места раньше — спокойно верните и сократите время.

К концу занятия — 20–30 секунд спокойного лежания рядом с вами.`,
  },
  {
    key: "gearTheory",
    title: "Как выбрать снаряжение",
    type: "THEORY",
    estimatedSec: 300,
    description: `## Шлейка или ошейник

Для обучения ходьбе на поводке удобнее **Y-образная шлейка**: она не давит на горло и
не ограничивает движение плеч. Ошейник подойдёт для адресника и коротких выходов.

Шлейка сидит правильно, если под ремень проходят два пальца, а передняя часть лежит на
грудине, а не на плечевом суставе.

## Поводок

- Лёгкий поводок **2–3 метра** с карабином, который не бьёт собаку по спине.
- **Рулетка не подходит**: она всё время натянута и учит собаку, что тянуть — нормально.
- Длинный поводок 5–10 м пригодится для отработки подзыва во дворе.

## Сумка для лакомств

На поясе или на плече: рука должна доставать лакомство за секунду.`,
  },
  {
    key: "harnessOn",
    title: "Надеваем шлейку без стресса",
    type: "TRAINING",
    durationSec: 180,
    description: `1. Положите шлейку на пол, наградите щенка за интерес к ней.
2. Держите петлю шлейки перед мордой, положите лакомство за петлю — пусть сам просунет
   голову.
3. Сразу снимите, наградите. Повторите несколько раз.
4. Застегните на 2–3 секунды, накормите несколькими кусочками подряд, расстегните.

Если щенок пятится или прижимает уши — вернитесь на шаг назад.`,
  },
  {
    key: "leashOn",
    title: "Поводок пристёгнут — ничего страшного",
    type: "TRAINING",
    durationSec: 240,
    description: `Пристегните поводок и **поиграйте**: покидайте игрушку, покормите с руки, просто
походите по комнате. Поводок провисает и волочится за щенком (вы можете его не
держать, но следите, чтобы он ни за что не зацепился).

Цель — чтобы пристёгнутый поводок означал «сейчас будет интересно».`,
  },
  {
    key: "leashIndoors",
    title: "Прогулка по квартире на поводке",
    type: "PRACTICE",
    estimatedSec: 300,
    description:
      `Возьмите поводок в руку и пройдитесь по квартире: коридор, кухня, комната. Каждые 3–4
шага, пока поводок провисает, награждайте щенка у своей ноги.

Натянул — остановитесь и подождите, пока поводок ослабнет, затем идите дальше.
Выполнили 3–5 минут — отметьте шаг.`,
  },
  {
    key: "recallTheory",
    title: "Правила хорошего подзыва",
    type: "THEORY",
    estimatedSec: 300,
    description: `Подзыв — самая важная команда для безопасности. Чтобы она работала:

1. **После подзыва всегда хорошее.** Лакомство, игра, похвала — каждый раз, пока
   команда не станет привычкой.
2. **Никогда не зовите для неприятного**: наказать, надеть поводок и увести с площадки,
   подстричь когти. В такие моменты просто подойдите к щенку сами.
3. **Команду говорят один раз.** Не подошёл — значит, задача слишком сложная:
   уменьшите расстояние или отвлечения.
4. **Подошёл — возьмите за шлейку**, наградите и чаще всего отпустите гулять дальше.

Начинайте дома, потом переходите во двор на длинном поводке.`,
  },
  {
    key: "recallTwoPeople",
    title: "Подзыв между двумя людьми",
    type: "TRAINING",
    durationSec: 300,
    description: `Нужен помощник. Сядьте на полу в 2–3 метрах друг от друга, у обоих — лакомства.

1. Один зовёт: кличка + «Ко мне!», радостным голосом.
2. Щенок подбежал — похвала, лакомство, лёгкое касание шлейки.
3. Теперь зовёт второй.

Постепенно расходитесь дальше, потом — в разные комнаты.`,
  },
  {
    key: "recallDistraction",
    title: "Подзыв с отвлечением",
    type: "TRAINING",
    durationSec: 240,
    description: `Положите на пол игрушку или миску (без еды) в метре от щенка. Когда он подойдёт
понюхать, позовите. Подбежал к вам — **джекпот**: 3–4 лакомства подряд и весёлая похвала.

Если не подходит — уберите отвлечение подальше и попробуйте снова.`,
  },
  {
    key: "recallOutdoors",
    title: "Подзыв во дворе на длинном поводке",
    type: "PRACTICE",
    estimatedSec: 600,
    description:
      `Во дворе пристегните длинный поводок (5–10 м). Дайте щенку отойти и понюхать, затем
позовите. Не тяните за поводок — он нужен только для безопасности.

Сделайте 5–7 подзывов за прогулку, после каждого отпускайте гулять дальше.`,
  },
  {
    key: "examBase",
    title: "Экзамен: основы воспитания щенка",
    type: "EXAMINATION",
    estimatedSec: 600,
    passPercent: 80,
    requiresWritten: true,
    description:
      `Ответьте на вопросы теста и напишите в свободной форме, какое упражнение курса далось
щенку легче всего, а какое — труднее, и как вы с этим справлялись.

Тренер прочитает ответ и зачтёт экзамен или даст рекомендации.`,
    checklist: [
      {
        id: "q1",
        question: "Сколько должно длиться занятие со щенком трёх месяцев?",
        options: [
          "30–40 минут без перерыва",
          "3–5 минут, несколько раз в день",
          "Один час раз в неделю",
        ],
        correctIndex: 1,
        comment: "Щенок быстро устаёт: несколько коротких занятий дают больше, чем одно длинное.",
      },
      {
        id: "q2",
        question: "Щенок откликнулся на кличку и повернулся к вам. Что дальше?",
        options: [
          "Ничего: он просто сделал то, что должен",
          "Сразу похвалить и дать лакомство",
          "Повторить кличку ещё раз для закрепления",
        ],
        correctIndex: 1,
      },
      {
        id: "q3",
        question: "В какой ситуации подзыв использовать нельзя?",
        options: [
          "Чтобы позвать щенка поесть",
          "Чтобы позвать щенка и отругать за погрызенную обувь",
          "Во время игры во дворе",
        ],
        correctIndex: 1,
        comment: "Если после подзыва случается неприятное, щенок учится не подходить.",
      },
      {
        id: "q4",
        question: "Для чего щенку своё место?",
        options: [
          "Чтобы было куда отправить в наказание",
          "Это безопасная зона, где его никто не тревожит",
          "Чтобы щенок не мешал гостям",
        ],
        correctIndex: 1,
      },
      {
        id: "q5",
        question: "Какой поводок лучше для первых прогулок?",
        options: [
          "Рулетка на 5 метров",
          "Лёгкий поводок 2–3 метра на шлейке",
          "Короткий поводок на строгом ошейнике",
        ],
        correctIndex: 1,
        comment: "Рулетка всегда натянута и учит собаку тянуть.",
      },
    ],
  },

  // ---- «Спокойная прогулка»
  {
    key: "whyPull",
    title: "Почему собака тянет поводок",
    type: "THEORY",
    estimatedSec: 360,
    description: `Собака тянет не из вредности. Причин три:

1. **Это работает.** Каждый раз, когда собака натягивает поводок и вы идёте следом, она
   получает то, что хотела: ближе к запаху, к другой собаке, к парку.
2. **Оппозиционный рефлекс.** Когда на тело давят, собака упирается в ответ. Чем сильнее
   вы тянете назад, тем сильнее она тянет вперёд.
3. **Темп.** Собака естественно идёт быстрее человека, а медленный шаг рядом с нами ей
   приходится учить.

Поэтому в этом курсе мы не дёргаем поводок, а делаем так, чтобы **провисший поводок
двигал собаку вперёд**, а натянутый — останавливал.`,
  },
  {
    key: "walkRules",
    title: "Правила на весь курс",
    type: "THEORY",
    estimatedSec: 240,
    description: `- **Натяжение никогда не срабатывает.** Ни разу, даже «только до угла».
  Если сейчас нет сил тренироваться — наденьте другое снаряжение (например, шлейку
  вместо ошейника): так собака не перепутает «учебную» прогулку с обычной.
- **Короткие подходы.** 5–10 минут тренировки, потом свободная прогулка.
- **Сильная награда.** На улице сухой корм часто проигрывает запахам. Возьмите
  что-то ценное: кусочки курицы, сыра, специальные лакомства.
- **Сначала тихие места.** Двор утром лучше, чем оживлённая улица вечером.`,
  },
  {
    key: "walkStart",
    title: "Исходная точка",
    type: "DIARY",
    estimatedSec: 300,
    description:
      `Опишите обычную прогулку сейчас: как собака выходит из подъезда, как часто натягивает
поводок, на что реагирует сильнее всего (собаки, люди, птицы, запахи). В конце курса
сравните с этой записью.`,
  },
  {
    key: "rewardAtLeg",
    title: "Награда у ноги",
    type: "TRAINING",
    durationSec: 180,
    description:
      `Дома или в подъезде: идите медленно, собака на провисшем поводке. Каждый раз, когда
она оказывается у вашей ноги, — «Да!» и лакомство **прямо у бедра**, а не перед собой.

Место, где собака получает награду, — то место, где ей захочется быть.`,
  },
  {
    key: "turnsIndoors",
    title: "Смена направления дома",
    type: "TRAINING",
    durationSec: 240,
    description:
      `Идите по комнате и неожиданно разворачивайтесь на 180°. Собака последовала за вами —
награда у ноги. Делайте развороты до того, как поводок натянется.

Цель — собака начинает поглядывать на вас, чтобы не пропустить поворот.`,
  },
  {
    key: "yardFive",
    title: "Пять минут во дворе",
    type: "PRACTICE",
    estimatedSec: 600,
    description: `Выйдите во двор в тихое время. Пять минут — только упражнения «Награда у ноги» и
«Смена направления». Потом — свободная прогулка и обнюхивание.

Выполнили — отметьте шаг.`,
  },
  {
    key: "treeTheory",
    title: "Метод «дерево»",
    type: "THEORY",
    estimatedSec: 240,
    description:
      `Как только поводок натянулся — **остановитесь** и станьте «деревом»: не тяните назад,
не зовите, не дёргайте. Держите руку с поводком у живота.

Ждите. Рано или поздно собака ослабит натяжение: обернётся, сделает шаг назад или
просто перестанет тянуть. В ту же секунду — «Да!» и идите дальше.

Первые дни прогулка будет похожа на «стоп-старт». Это нормально: через несколько
тренировок остановок станет заметно меньше.`,
  },
  {
    key: "treeStop",
    title: "Остановка при натяжении",
    type: "TRAINING",
    durationSec: 300,
    description: `Пройдите по двору по прямой 20–30 метров. Натянула — стоп. Ослабила — «Да!» и
вперёд, а если собака подошла к ноге — ещё и лакомство.

Считайте остановки: в дневнике удобно сравнивать «было 15 за проход, стало 6».`,
  },
  {
    key: "turnOnPull",
    title: "Разворот при натяжении",
    type: "TRAINING",
    durationSec: 300,
    description:
      `Если собака тянет к чему-то конкретному (куст, собака вдалеке), остановка не всегда
помогает. Тогда разворачивайтесь и уходите в противоположную сторону бодрым шагом,
подбадривая голосом. Догнала и идёт рядом — награда.

Затем снова идите к цели: провисший поводок = можно приближаться.`,
  },
  {
    key: "distractionLadder",
    title: "Лестница отвлечений",
    type: "THEORY",
    estimatedSec: 240,
    description:
      `Собака хорошо идёт рядом дома, но «забывает» всё на улице — это не упрямство. Навык
нужно переносить в новые условия постепенно:

| Ступень | Где | Отвлечения |
|---|---|---|
| 1 | квартира, подъезд | почти нет |
| 2 | тихий двор | запахи, редкие прохожие |
| 3 | обычная улица | люди, машины, собаки вдалеке |
| 4 | парк, рынок, остановка | много всего сразу |

Переходите на следующую ступень, когда на текущей собака не натягивает поводок
большую часть времени.`,
  },
  {
    key: "foodOnGround",
    title: "Проходим мимо лакомства на земле",
    type: "TRAINING",
    durationSec: 240,
    description:
      `Положите на землю кусочек корма (или попросите помощника). Идите мимо на расстоянии
2–3 метров. Собака посмотрела на вас вместо корма — «Да!» и лакомство **лучше**, чем
то, что лежит на земле.

Постепенно проходите ближе. Разрешение подобрать — только по вашей команде.`,
  },
  {
    key: "dogAtDistance",
    title: "Встречная собака на дистанции",
    type: "TRAINING",
    durationSec: 300,
    description:
      `Найдите место, откуда видно других собак, но на расстоянии, где ваша собака ещё может
есть лакомство и смотреть на вас (обычно 20–30 метров).

Увидела собаку — «Да!» и лакомство. Так появление собаки становится сигналом
«сейчас будет вкусно». Собака напряглась, перестала брать корм — отойдите дальше.`,
  },
  {
    key: "walk20",
    title: "Полноценная прогулка 20 минут",
    type: "PRACTICE",
    estimatedSec: 1200,
    description:
      `Обычная прогулка по вашему маршруту с применением всего, что вы изучили: остановки при
натяжении, развороты, награда у ноги, нюхательные паузы за хорошую работу.

После прогулки отметьте шаг и запишите в дневник, сколько раз пришлось остановиться.`,
  },
  {
    key: "examWalk",
    title: "Экзамен: видео прогулки",
    type: "EXAMINATION",
    estimatedSec: 900,
    passPercent: 70,
    requiresVideo: true,
    description: `Запишите видео прогулки длиной 1–2 минуты: виден поводок и собака целиком. Лучше
попросить кого-то снимать со стороны.

Ответьте на вопросы теста. Тренер посмотрит видео и даст обратную связь: что уже
хорошо и над чем поработать дальше.`,
    checklist: [
      {
        id: "q1",
        question: "Собака натянула поводок. Что вы делаете?",
        options: [
          "Дёргаю поводок, чтобы она поняла",
          "Останавливаюсь и жду, пока поводок провиснет",
          "Иду дальше, чтобы не терять время",
        ],
        correctIndex: 1,
      },
      {
        id: "q2",
        question: "Чем ещё, кроме лакомства, можно наградить собаку на прогулке?",
        options: [
          "Разрешить понюхать интересное место",
          "Ничем: на улице работает только еда",
          "Потрепать по голове",
        ],
        correctIndex: 0,
        comment: "Возможность понюхать — одна из самых ценных наград на улице.",
      },
      {
        id: "q3",
        question: "Как повышать сложность прогулок?",
        options: [
          "Сразу идти в людное место, чтобы быстрее привыкла",
          "Постепенно: дом → двор → улица → людные места",
          "Сложность не важна, важна длительность",
        ],
        correctIndex: 1,
      },
    ],
  },

  // ---- private plan
  {
    key: "diagHow",
    title: "Как проходит диагностика",
    type: "THEORY",
    estimatedSec: 180,
    description: `Прежде чем составить план, тренеру нужно увидеть, как живёт и гуляет ваша собака.
В этот день вы заполните анкету в дневнике и выполните небольшое задание на прогулке.
По результатам тренер откроет следующий день с персональными рекомендациями.`,
  },
  {
    key: "diagForm",
    title: "Анкета: поведение дома и на улице",
    type: "DIARY",
    estimatedSec: 900,
    description: `Ответьте на вопросы в свободной форме:

1. Возраст, порода, сколько времени собака живёт у вас.
2. Сколько прогулок в день и какой они длины.
3. Что беспокоит больше всего: тянет, лает на собак, подбирает с земли, боится шума?
4. Что вы уже пробовали и что из этого помогло.
5. Чего вы хотите добиться за месяц.`,
  },
  {
    key: "diagWalk",
    title: "Понаблюдайте за прогулкой",
    type: "PRACTICE",
    estimatedSec: 900,
    description: `Погуляйте обычным маршрутом и отметьте (можно в заметках телефона):

- сколько раз собака сильно натянула поводок;
- на что она реагировала и на каком расстоянии;
- как быстро успокаивалась.

Ничего не исправляйте специально — нужна честная картина.`,
  },
  {
    key: "planTheory",
    title: "План на ближайшие две недели",
    type: "THEORY",
    estimatedSec: 300,
    description: `По вашей анкете главная задача — **реакция на других собак**. План:

- **Неделя 1:** упражнение «Смотри» дома и во дворе, прогулки в тихие часы,
  дистанция до других собак — не меньше 30 метров.
- **Неделя 2:** «Смотри» при виде собаки вдалеке, разворот и уход, если дистанция
  сокращается.

Главное правило: собака должна оставаться в состоянии, когда она **может есть и
слышать вас**. Если не может — вы слишком близко.`,
  },
  {
    key: "lookOutside",
    title: "«Смотри» на улице",
    type: "TRAINING",
    durationSec: 180,
    description:
      `Во дворе, в тихом месте, повторите упражнение «Смотри»: лакомство в отведённой руке,
ждём взгляда в глаза, награждаем. 10–15 повторов, затем свободная прогулка.`,
  },
  {
    key: "keepDistance",
    title: "Встречи с собаками: держим дистанцию",
    type: "PRACTICE",
    estimatedSec: 900,
    description:
      `На каждой прогулке: заметили собаку раньше, чем ваша, — отойдите на расстояние, где ваша
собака спокойна, и играйте в «Смотри». Отметьте шаг, когда сделаете это три прогулки
подряд.`,
  },
];

const DAYS: DayDef[] = [
  {
    key: "base1",
    title: "Знакомство: щенок дома",
    type: "introduction",
    description: "Как устроен курс, что подготовить дома и на что обратить внимание в первые дни.",
    equipment: "Лежанка, миска для воды, игрушки для грызения",
    steps: ["howCourseWorks", "puppyHome", "preparePlace", "firstNotes"],
  },
  {
    key: "base2",
    title: "Имя и контакт глаз",
    type: "regular",
    description: "Учим щенка откликаться на кличку и смотреть на хозяина.",
    equipment: "Мелкое мягкое лакомство, сумка на поясе",
    steps: ["whyContact", "nameResponse", "rest60", "eyeContact", "nameNewPlaces"],
  },
  {
    key: "base3",
    title: "Спокойствие на месте",
    type: "regular",
    description: "Лежанка становится любимым местом, а щенок учится ждать.",
    equipment: "Лежанка, лакомство",
    steps: ["placeTheory", "placeLove", "rest60", "placeStay", "diaryDay"],
  },
  {
    key: "gear",
    title: "Шлейка и поводок",
    type: "regular",
    description:
      "Выбираем снаряжение и приучаем к нему без стресса. Этот день есть в двух курсах: пройдёте в одном — засчитается в обоих.",
    equipment: "Y-образная шлейка, поводок 2–3 м, лакомство",
    shareProgress: true,
    steps: ["gearTheory", "harnessOn", "rest60", "leashOn", "leashIndoors"],
  },
  {
    key: "base5",
    title: "Подзыв: первые шаги",
    type: "regular",
    description: "Самая важная команда для безопасности — с первых дней и по правилам.",
    equipment: "Лакомство, игрушка, длинный поводок 5–10 м",
    steps: ["recallTheory", "recallTwoPeople", "rest60", "recallDistraction", "recallOutdoors"],
  },
  {
    key: "base6",
    title: "Подведение итогов",
    type: "summary",
    description: "Экзамен по курсу и запись в дневнике о пройденном пути.",
    pathExport: true,
    steps: ["examBase", "diaryPath"],
  },
  {
    key: "walk1",
    title: "Почему собака тянет",
    type: "introduction",
    description: "Разбираемся в причинах и договариваемся о правилах на весь курс.",
    steps: ["whyPull", "walkRules", "walkStart"],
  },
  {
    key: "walk3",
    title: "Внимание на хозяина",
    type: "regular",
    description: "Место у ноги становится самым выгодным, а развороты — игрой.",
    equipment: "Поводок 2–3 м, ценное лакомство",
    steps: ["rewardAtLeg", "rest60", "turnsIndoors", "yardFive"],
  },
  {
    key: "walk4",
    title: "Натяжение — значит стоп",
    type: "regular",
    description: "Главный приём курса: натянутый поводок останавливает движение.",
    equipment: "Поводок 2–3 м, шлейка, ценное лакомство",
    steps: ["treeTheory", "treeStop", "sniffBreak", "turnOnPull", "diaryDay"],
  },
  {
    key: "walk5",
    title: "Прогулка с отвлечениями",
    type: "regular",
    description: "Переносим навык на улицу: еда на земле, другие собаки, настоящий маршрут.",
    equipment: "Поводок 2–3 м, шлейка, ценное лакомство",
    steps: ["distractionLadder", "foodOnGround", "sniffBreak", "dogAtDistance", "walk20"],
  },
  {
    key: "walk6",
    title: "Итоги курса",
    type: "summary",
    description: "Видеоэкзамен и итоговая запись в дневнике.",
    pathExport: true,
    steps: ["examWalk", "diaryPath"],
  },
  {
    key: "plan1",
    title: "Диагностика",
    type: "diagnostics",
    description: "Анкета и наблюдение за обычной прогулкой.",
    steps: ["diagHow", "diagForm", "diagWalk"],
  },
  {
    key: "plan2",
    title: "Рекомендации тренера",
    type: "instructions",
    description: "Персональный план на две недели и первые упражнения.",
    equipment: "Шлейка, поводок 2–3 м, ценное лакомство",
    steps: ["planTheory", "lookOutside", "rest60", "keepDistance"],
  },
];

const COURSES: CourseDef[] = [
  {
    slug: "eto-baza",
    name: "Это база",
    shortDescription:
      "Первые недели щенка дома: безопасность, режим, кличка, место, шлейка и подзыв.",
    description: `Курс для тех, у кого дома появился щенок 2–6 месяцев.

За шесть дней вы подготовите дом, научите щенка откликаться на кличку и смотреть
на вас, спокойно лежать на месте, носить шлейку и подходить по зову.

**Что понадобится:** 10–15 минут в день, мелкое лакомство и немного терпения.

Каждое упражнение разбито на короткие шаги с таймером, чтобы щенок не уставал,
а вы видели, что уже получилось. В конце — тест и обратная связь от тренера.`,
    equipment: "Лакомство, лежанка, шлейка, поводок 2–3 м, длинный поводок 5–10 м",
    level: "BEGINNER",
    duration: "2 недели",
    access: "PUBLIC",
    showInProfile: true,
    days: ["base1", "base2", "base3", "gear", "base5", "base6"],
  },
  {
    slug: "spokoynaya-progulka",
    name: "Спокойная прогулка",
    shortDescription: "Прогулка на провисшем поводке: без рывков, криков и вывихнутых плеч.",
    description: `Собака тянет так, что гулять тяжело? Этот курс — о ходьбе на провисшем поводке
без дёрганий и строгих ошейников.

Вы разберётесь, почему собака тянет, освоите метод «дерево» и развороты, научитесь
использовать запахи как награду и постепенно перенесёте навык с тихого двора на
обычную улицу.

Подходит собакам от 5 месяцев. Итог курса — видео вашей прогулки, которое
посмотрит тренер.`,
    equipment: "Y-образная шлейка, поводок 2–3 м, ценное лакомство, сумка на поясе",
    level: "INTERMEDIATE",
    duration: "3 недели",
    access: "PUBLIC",
    showInProfile: true,
    days: ["walk1", "gear", "walk3", "walk4", "walk5", "walk6"],
  },
  {
    slug: "plan-grom",
    name: "Индивидуальный план: Гром",
    shortDescription: "Персональная программа по реакции на других собак.",
    description: `Закрытый курс, составленный тренером для Грома по итогам консультации.

Сначала — диагностика: анкета и наблюдение за прогулкой. Затем тренер открывает
рекомендации и упражнения на ближайшие две недели.`,
    equipment: "Шлейка, поводок 2–3 м, ценное лакомство",
    level: "INTERMEDIATE",
    duration: "1 месяц",
    access: "PRIVATE",
    showInProfile: false,
    days: ["plan1", "plan2"],
  },
];

const CATEGORIES = [
  {
    key: "attention",
    name: "Внимание и контакт",
    icon: "👀",
    description: "Кличка, взгляд, фокус на хозяине.",
  },
  { key: "statics", name: "Статика", icon: "🧘", description: "Место, выдержка, спокойствие." },
  { key: "recall", name: "Подзыв", icon: "📣", description: "Подход по команде дома и на улице." },
  {
    key: "leash",
    name: "Поводок и прогулка",
    icon: "🦮",
    description: "Снаряжение, провисший поводок, отвлечения.",
  },
  {
    key: "rest",
    name: "Отдых и восстановление",
    icon: "💤",
    description: "Перерывы между упражнениями.",
  },
  {
    key: "reflection",
    name: "Дневник и теория",
    icon: "📓",
    description: "Записи о занятиях и короткие тексты.",
  },
];

/** Templates: category key + a step key whose content is copied, plus tags. */
const TEMPLATES: { category: string; step: string; tags: string[] }[] = [
  { category: "attention", step: "nameResponse", tags: ["щенок", "контакт"] },
  { category: "attention", step: "eyeContact", tags: ["контакт", "фокус"] },
  { category: "statics", step: "placeStay", tags: ["место", "выдержка"] },
  { category: "recall", step: "recallTwoPeople", tags: ["подзыв", "помощник"] },
  { category: "leash", step: "treeStop", tags: ["поводок", "натяжение"] },
  { category: "rest", step: "rest60", tags: ["перерыв"] },
  { category: "reflection", step: "diaryDay", tags: ["дневник"] },
];

// ------------------------------------------------------------------- seed

/** Seeds the demo data once. See the module comment. */
export async function seedDemo(
  db: Kysely<Database>,
  opts: { print?: (line: string) => void } = {},
): Promise<SeedResult> {
  const print = opts.print ?? ((line: string) => console.log(line));

  // Cheap checks outside the transaction first: no hashing work when there is nothing to do.
  const marker = await db.selectFrom("app_meta").select("key").where("key", "=", SEED_MARKER)
    .executeTakeFirst();
  if (marker) return { created: false };

  const accounts: { username: string; role: Role; email: string; fullName: string }[] = [
    { username: "admin", role: "ADMIN", email: "admin@example.org", fullName: "Администратор" },
    {
      username: "trainer",
      role: "TRAINER",
      email: "trainer@example.org",
      fullName: "Анна Соколова",
    },
    { username: "learner", role: "USER", email: "learner@example.org", fullName: "Илья Петров" },
  ];
  const users = accounts.map((a) => ({ ...a, id: newId(), password: generatePassword() }));
  const hashes = await Promise.all(users.map((u) => hashPassword(u.password)));

  const created = await db.transaction().execute(async (trx) => {
    // The marker goes in first: a concurrent seeder blocks on this row until
    // we commit, then inserts nothing and leaves.
    const claimed = await trx.insertInto("app_meta")
      .values({
        key: SEED_MARKER,
        value: json({ version: SEED_VERSION, seededAt: new Date().toISOString() }),
      })
      .onConflict((oc) => oc.column("key").doNothing())
      .returning("key")
      .executeTakeFirst();
    if (!claimed) return false;

    const { count } = await trx.selectFrom("users").select(sql<number>`count(*)`.as("count"))
      .executeTakeFirstOrThrow();
    if (count > 0) {
      // A database in real use: leave the marker out of it too.
      await trx.deleteFrom("app_meta").where("key", "=", SEED_MARKER).execute();
      return false;
    }

    await insertAll(trx, users, hashes);
    return true;
  });

  if (!created) return { created: false };

  const result = users.map((u) => ({ username: u.username, password: u.password, role: u.role }));
  print("Demo accounts (passwords are shown once and not stored):");
  for (const u of result) print(`  ${u.username.padEnd(8)} ${u.password}  (${u.role})`);
  return { created: true, users: result };
}

async function insertAll(
  trx: Kysely<Database>,
  users: { id: string; username: string; role: Role; email: string; fullName: string }[],
  hashes: string[],
) {
  const [admin, trainer, learner] = users;
  const now = new Date();

  await trx.insertInto("users").values(users.map((u, i) => ({
    id: u.id,
    username: u.username,
    email: u.email,
    password_hash: hashes[i],
    role: u.role,
  }))).execute();

  await trx.insertInto("user_profiles").values([
    { user_id: admin.id, full_name: admin.fullName, is_public: false },
    {
      user_id: trainer.id,
      full_name: trainer.fullName,
      about:
        "Кинолог, 9 лет работаю с собаками. Специализация — щенки и собаки с реактивностью на улице. Занимаюсь только на положительном подкреплении.",
      telegram: "gafus_trainer",
      website: "https://example.org",
      is_public: true,
    },
    {
      user_id: learner.id,
      full_name: learner.fullName,
      about: "Учимся вместе с Громом гулять спокойно.",
      is_public: true,
    },
  ]).execute();

  await trx.insertInto("pets").values({
    id: newId(),
    owner_id: learner.id,
    name: "Гром",
    type: "DOG",
    breed: "Бигль",
    birth_date: "2025-03-14",
    height_cm: 38,
    weight_kg: 12.5,
    notes: "Любит сыр и мячики. Лает на крупных собак.",
  }).execute();

  // Steps.
  const stepIds = new Map<string, string>();
  const stepRows: NewStep[] = STEPS.map((s) => {
    const id = newId();
    stepIds.set(s.key, id);
    return { id, author_id: trainer.id, ...stepContent(s) };
  });
  await trx.insertInto("steps").values(stepRows).execute();

  // Days and their steps.
  const dayIds = new Map<string, string>();
  for (const d of DAYS) {
    const id = newId();
    dayIds.set(d.key, id);
    await trx.insertInto("training_days").values({
      id,
      title: d.title,
      description: d.description,
      equipment: d.equipment ?? "",
      type: d.type,
      share_progress_across_courses: d.shareProgress ?? false,
      show_course_path_export: d.pathExport ?? false,
      author_id: trainer.id,
    }).execute();
    await trx.insertInto("step_on_day").values(d.steps.map((key, position) => ({
      id: newId(),
      day_id: id,
      step_id: must(stepIds, key),
      position,
    }))).execute();
  }

  // Courses and their days.
  for (const c of COURSES) {
    const id = newId();
    await trx.insertInto("courses").values({
      id,
      slug: c.slug,
      name: c.name,
      short_description: c.shortDescription,
      description: c.description,
      equipment: c.equipment,
      level: c.level,
      duration: c.duration,
      access: c.access,
      show_in_profile: c.showInProfile,
      published_at: now,
      author_id: trainer.id,
    }).execute();
    await trx.insertInto("day_on_course").values(c.days.map((key, position) => ({
      id: newId(),
      course_id: id,
      day_id: must(dayIds, key),
      position,
    }))).execute();
    if (c.access === "PRIVATE") {
      await trx.insertInto("course_access").values({
        course_id: id,
        user_id: learner.id,
        granted_by: trainer.id,
      }).execute();
    }
    if (c.slug === "spokoynaya-progulka") {
      await trx.insertInto("favorites").values({ user_id: learner.id, course_id: id }).execute();
    }
  }

  // Template library.
  const categoryIds = new Map<string, string>();
  await trx.insertInto("step_categories").values(CATEGORIES.map((c, position) => {
    const id = newId();
    categoryIds.set(c.key, id);
    return { id, name: c.name, description: c.description, icon: c.icon, position };
  })).execute();
  const byKey = new Map(STEPS.map((s) => [s.key, s]));
  const templates: NewStepTemplate[] = TEMPLATES.map((t) => ({
    id: newId(),
    category_id: must(categoryIds, t.category),
    ...stepContent(byKey.get(t.step)!),
    tags: json(t.tags),
    is_public: true,
    author_id: admin.id,
  }));
  await trx.insertInto("step_templates").values(templates).execute();
}

function stepContent(s: StepDef) {
  return {
    title: s.title,
    type: s.type,
    description: s.description,
    duration_sec: s.durationSec ?? null,
    estimated_duration_sec: s.estimatedSec ?? null,
    video_url: s.videoUrl ?? null,
    checklist: json(s.checklist ?? []),
    requires_written_feedback: s.requiresWritten ?? false,
    requires_video_report: s.requiresVideo ?? false,
    pass_percent: s.passPercent ?? 70,
  };
}

function must(map: Map<string, string>, key: string): string {
  const v = map.get(key);
  if (!v) throw new Error(`seed: unknown key ${key}`);
  return v;
}
